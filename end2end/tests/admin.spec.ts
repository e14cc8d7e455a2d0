import { test, expect, type Page } from '@playwright/test';
import { expectAccessible, jsEnabled, waitForHydration, watchConsole } from './support';

const ROOT_PASSWORD = 'e2e root passphrase violet';
const CHOSEN = 'amber lantern slowly drifts';

test('an admin creates a user who must change the temporary password, then deactivates them', async ({ page, browser, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const p = `${testInfo.project.name}-${testInfo.repeatEachIndex}`;
  const newbie = `${p}-newbie`;
  const visit = async (target: Page, path: string) => {
    await target.goto(path);
    if (js) await waitForHydration(target);
  };

  // The site admin signs in and creates the account.
  await visit(page, '/login');
  await page.getByLabel('Username or email').fill('e2e-root');
  await page.getByLabel('Password').fill(ROOT_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('banner').getByRole('link', { name: 'Admin' })).toBeVisible();
  await visit(page, '/admin/users');
  if (js) await expectAccessible(page);
  await page.getByLabel('Email').fill(`${newbie}@example.org`);
  await page.getByLabel('Username (optional)').fill(newbie);
  await page.getByRole('button', { name: 'Create user' }).click();
  const shown = page.getByLabel('Temporary password');
  await expect(shown).toHaveValue(/^[A-Za-z0-9]{20}$/);
  const temporary = await shown.inputValue();

  // The new user signs in elsewhere and is made to choose a password first.
  const other = await browser.newContext({ javaScriptEnabled: js, baseURL });
  const them = await other.newPage();
  await visit(them, '/login');
  await them.getByLabel('Username or email').fill(newbie);
  await them.getByLabel('Password').fill(temporary);
  await them.getByRole('button', { name: 'Sign in' }).click();
  await expect(them).toHaveURL(/\/settings\/password\?required=1/);
  await expect(them.getByText('You signed in with a temporary password')).toBeVisible();
  if (js) await waitForHydration(them);
  await them.getByLabel('Current password').fill(temporary);
  await them.getByLabel('New password', { exact: true }).fill(CHOSEN);
  await them.getByLabel('New password, again').fill(CHOSEN);
  await them.getByRole('button', { name: 'Change password' }).click();
  await expect(them.getByText('Your password was changed.')).toBeVisible();
  await visit(them, '/settings/tokens');
  await expect(them.getByText('You have no tokens.')).toBeVisible();

  // The admin deactivates them: their open page's next action is refused.
  await visit(page, `/admin/users/${newbie}`);
  await page.getByRole('button', { name: 'Deactivate' }).click();
  await expect(page.locator('.facts')).toContainText('Deactivated');
  await them.getByLabel('What is it for?').fill('after deactivation');
  await them.getByRole('button', { name: 'Create token' }).click();
  await expect(them.getByText(/sign in/i).first()).toBeVisible();
  await expect(them.locator('tbody')).toHaveCount(0);

  // The admin cannot deactivate themselves, and is told why.
  await visit(page, '/admin/users/e2e-root');
  await page.getByRole('button', { name: 'Deactivate' }).click();
  await expect(page.getByText('You cannot deactivate yourself')).toBeVisible();
  await other.close();
  expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
});
