import { test, expect, type Page } from '@playwright/test';
import { expectAccessible, jsEnabled, waitForHydration, watchConsole } from './support';

const STRONG = 'violet tractor quietly hums';

async function open(page: Page, path: string, js: boolean) {
  await page.goto(path);
  if (js) await waitForHydration(page);
}

test('create an account, sign out, sign in again', async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const name = `${testInfo.project.name}-ada`;

  await open(page, '/signup', js);
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Email').fill(`${name}@example.org`);
  await page.getByLabel('Password').fill(STRONG);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL('/');
  const header = page.getByRole('banner');
  await expect(header).toContainText(`Signed in as ${name}`);

  await header.getByRole('button', { name: 'Sign out' }).click();
  await expect(header.getByRole('link', { name: 'Sign in' })).toBeVisible();

  await header.getByRole('link', { name: 'Sign in' }).click();
  await expect(page).toHaveURL('/login');
  if (js) await waitForHydration(page);
  await page.getByLabel('Username or email').fill(name);
  await page.getByLabel('Password').fill('not the right password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('Invalid username or password.');

  await page.getByLabel('Username or email').fill(`${name}@example.org`);
  await page.getByLabel('Password').fill(STRONG);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL('/');
  await expect(header).toContainText(`Signed in as ${name}`);

  // Expected failures above show up as failed requests; nothing else may go wrong.
  expect(errors.filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
});

test('sign-up explains what is wrong, next to the field', async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  const name = `${testInfo.project.name}-weak`;
  await open(page, '/signup', js);
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Email').fill(`${name}@example.org`);
  await page.getByLabel('Password').fill('password1234');
  await page.getByRole('button', { name: 'Create account' }).click();
  const error = page.locator('#password-error');
  await expect(error).toContainText('too easy to guess');
  await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();
});

test('sign-in and sign-up pages are accessible', async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'axe-core runs in the JavaScript project');
  for (const path of ['/login', '/signup']) {
    await open(page, path, true);
    await expectAccessible(page);
  }
});
