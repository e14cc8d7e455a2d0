import { test, expect, type Page } from '@playwright/test';
import { expectAccessible, jsEnabled, signUp, STRONG, waitForHydration } from './support';

const NEWER = 'amber kettle sings at dawn';

test('change the password from the settings', async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  const name = `${testInfo.project.name}-pw`;
  await signUp(page, name);
  await page.getByRole('banner').getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL('/settings/profile');
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Password' }).click();
  await expect(page).toHaveURL('/settings/password');
  if (js) await waitForHydration(page);
  await page.getByLabel('Current password').fill('not my password at all');
  await page.getByLabel('New password', { exact: true }).fill(NEWER);
  await page.getByLabel('New password, again').fill(NEWER);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.locator('#current_password-error')).toHaveText('That is not your current password.');

  await page.getByLabel('Current password').fill(STRONG);
  await page.getByLabel('New password', { exact: true }).fill(NEWER);
  await page.getByLabel('New password, again').fill(NEWER);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toContainText('Your password was changed');
  if (js) await expectAccessible(page);

  // The new password is the one that works now.
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await page.goto('/login');
  if (js) await waitForHydration(page);
  await page.getByLabel('Username or email').fill(name);
  await page.getByLabel('Password').fill(NEWER);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('banner')).toContainText(`Signed in as ${name}`);
});

test('see and end other sessions', async ({ page, playwright, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const name = `${testInfo.project.name}-sessions`;
  await signUp(page, name);
  // A second sign-in elsewhere: a script calling the REST API.
  const elsewhere = await playwright.request.newContext({ baseURL, userAgent: 'deploy-script/1.0' });
  const login = await elsewhere.post('/api/v1/auth/login', { data: { login: name, password: STRONG } });
  expect(login.status()).toBe(200);

  await page.goto('/settings/sessions');
  if (js) await waitForHydration(page);
  const rows = page.locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(page.getByText('This session')).toBeVisible();
  const other = rows.filter({ hasText: 'deploy-script/1.0' });
  await other.getByRole('button', { name: 'Sign out' }).click();
  await expect(rows).toHaveCount(1);
  await expect(page.getByText('deploy-script/1.0')).toHaveCount(0);
  if (js) await expectAccessible(page);

  const me = await elsewhere.get('/api/v1/account');
  expect(me.status()).toBe(401);
  await elsewhere.dispose();
});

test('edit the profile: rename, display name, email with password', async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  const name = `${testInfo.project.name}-prof`;
  await signUp(page, name);
  await page.goto('/settings/profile');
  if (js) await waitForHydration(page);
  await expect(page.getByRole('img', { name: `Avatar of ${name}` })).toBeVisible();
  await expect(page.getByText('Changing it breaks links')).toBeVisible();

  await page.getByLabel('Email').fill(`${name}@elsewhere.example`);
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.locator('#current_password-error')).toContainText('current password');

  await page.getByLabel('Username').fill(`${name}-renamed`);
  await page.getByLabel('Display name').fill('Ada Lovelace');
  await page.getByLabel('Email').fill(`${name}@elsewhere.example`);
  await page.getByLabel('Current password').fill(STRONG);
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('status')).toHaveText('Your profile was saved.');
  await expect(page.getByLabel('Username')).toHaveValue(`${name}-renamed`);
  await expect(page.getByLabel('Display name')).toHaveValue('Ada Lovelace');
  await page.reload();
  await expect(page.getByRole('banner')).toContainText(`Signed in as ${name}-renamed`);
  if (js) {
    await waitForHydration(page);
    await expectAccessible(page);
  }
});
