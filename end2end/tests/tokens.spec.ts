import { test, expect } from '@playwright/test';
import { expectAccessible, jsEnabled, waitForHydration } from './support';

const STRONG = 'violet tractor quietly hums';

test('create a token, use it from a script, revoke it', async ({ page, playwright, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const name = `${testInfo.project.name}-tokens`;
  await page.goto('/signup');
  if (js) await waitForHydration(page);
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Email').fill(`${name}@example.org`);
  await page.getByLabel('Password').fill(STRONG);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('banner')).toContainText(`Signed in as ${name}`);

  await page.goto('/settings/tokens');
  if (js) await waitForHydration(page);
  await expect(page.getByText('You have no tokens.')).toBeVisible();
  await page.getByLabel('What is it for?').fill('CI deploys');
  await page.getByLabel('Expires').selectOption('90');
  await page.getByRole('button', { name: 'Create token' }).click();

  const reveal = page.getByLabel('New token');
  await expect(reveal).toHaveValue(/^gtu_[0-9A-Za-z]{36}$/);
  await expect(page.getByText('It will not be shown again')).toBeVisible();
  const token = await reveal.inputValue();
  const row = page.locator('tbody tr', { hasText: 'CI deploys' });
  await expect(row).toContainText(token.slice(0, 8));
  await expect(row).toContainText('Never used');
  if (js) {
    await expect(page.getByRole('button', { name: 'Copy' })).toBeVisible();
    await expectAccessible(page);
  }

  // A script uses it.
  const script = await playwright.request.newContext({ baseURL });
  const me = await script.get('/api/v1/account', { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).username).toBe(name);

  // Shown once: a reload does not show it again.
  await page.goto('/settings/tokens');
  if (js) await waitForHydration(page);
  await expect(page.getByLabel('New token')).toHaveCount(0);
  await expect(row).not.toContainText('Never used');

  await row.getByRole('link', { name: 'Revoke CI deploys' }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText('Revoke the token “CI deploys”?');
  await confirm.getByRole('button', { name: 'Revoke token' }).click();
  await expect(page.getByText('You have no tokens.')).toBeVisible();
  const after = await script.get('/api/v1/account', { headers: { Authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
  await script.dispose();
});
