import { test, expect, type Page } from '@playwright/test';
import { createOrg, expectAccessible, jsEnabled, signUp, STRONG, waitForHydration, watchConsole } from './support';

const ROOT_PASSWORD = 'e2e root passphrase violet';

test('an admin reads the outbox, adds an owner to an organization and changes instance settings', async ({ page, browser, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const p = `${testInfo.project.name}-${testInfo.repeatEachIndex}`;
  const founder = `${p}-founder`;
  const org = `${p}-rescue`;
  const visit = async (target: Page, path: string) => {
    await target.goto(path);
    if (js) await waitForHydration(target);
  };

  // Someone signs up (their verification email goes to the outbox) and founds an organization.
  const other = await browser.newContext({ javaScriptEnabled: js, baseURL });
  const them = await other.newPage();
  await signUp(them, founder);
  await createOrg(them, org);

  await visit(page, '/login');
  await page.getByLabel('Username or email').fill('e2e-root');
  await page.getByLabel('Password').fill(ROOT_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('banner').getByRole('link', { name: 'Admin' })).toBeVisible();

  // The outbox keeps the email (no SMTP server is configured), readable in full by a site
  // admin (an auditor sees its link hidden: a single-use secret that acts as the recipient).
  await visit(page, '/admin/outbox');
  if (js) await expectAccessible(page);
  const message = page.locator('.outbox__message').filter({ hasText: `${founder}@example.org` }).first();
  await expect(message).toContainText('Confirm your email address');
  await expect(message.locator('pre')).toBeHidden();
  await message.locator('summary').click();
  await expect(message.locator('pre')).toContainText('/verify-email?token=');

  // Organizations: members counted, owners named; the admin adds an owner.
  await visit(page, '/admin/organizations');
  if (js) await expectAccessible(page);
  const row = page.locator('tbody tr').filter({ hasText: org });
  await expect(row.locator('td').nth(1)).toHaveText('1');
  await expect(row.locator('td').nth(2)).toHaveText(founder);
  await row.getByRole('link').click();
  await expect(page).toHaveURL(`/admin/organizations/${org}`);
  if (js) await waitForHydration(page);
  await expect(page.locator('tbody tr').filter({ hasText: founder })).toContainText('owner');
  if (js) await expectAccessible(page);
  await page.getByLabel('Username').fill('nobody-by-this-name');
  await page.getByRole('button', { name: 'Make owner' }).click();
  await expect(page.getByText('No active user has that username.')).toBeVisible();
  if (js) await waitForHydration(page);
  // The founder is an active owner: a site admin adds no owner here, not even themselves.
  await page.getByLabel('Username').fill('e2e-root');
  await page.getByRole('button', { name: 'Make owner' }).click();
  await expect(page.getByText('This organization has an active owner')).toBeVisible();
  // Once the founder is deactivated (the organization is abandoned), the admin gives it a
  // new owner — someone else, as the founder is still an owner.
  const heir = `${p}-heir`;
  const heirSignup = await page.request.post('/api/v1/auth/signup', {
    headers: { Origin: baseURL! },
    data: { username: heir, email: `${heir}@example.org`, password: STRONG },
  });
  expect(heirSignup.status(), await heirSignup.text()).toBe(201);
  const gone = await page.request.patch(`/api/v1/admin/users/${founder}`, {
    headers: { Origin: baseURL! },
    data: { active: false },
  });
  expect(gone.status(), await gone.text()).toBe(200);
  await visit(page, `/admin/organizations/${org}`);
  await page.getByLabel('Username').fill(heir);
  await page.getByRole('button', { name: 'Make owner' }).click();
  await expect(page.locator('tbody tr').filter({ hasText: heir })).toContainText('owner');
  await visit(page, '/admin/organizations');
  await expect(page.locator('tbody tr').filter({ hasText: org }).locator('td').nth(2)).toContainText(heir);

  // Settings: ticking "two-factor for everyone" shows who it would affect before saving.
  await visit(page, '/admin/settings');
  if (js) await expectAccessible(page);
  const box = page.getByLabel('Require two-factor authentication for everyone');
  const lockout = page.locator('#lockout');
  await expect(box).not.toBeChecked();
  await expect(lockout).toBeHidden();
  await box.check();
  await expect(lockout).toBeVisible();
  await expect(lockout).toContainText(/asks \d+ active user\(s\) without two-factor to set it up/);
  await box.uncheck();
  await expect(lockout).toBeHidden();

  // Sign-up closed: applies at once, without a restart. Restored whatever happens.
  await page.getByLabel('Sign-up', { exact: true }).selectOption('closed');
  await page.getByRole('button', { name: 'Save settings' }).click();
  try {
    await expect(page.getByText('The settings were saved; they apply now.')).toBeVisible();
    const stranger = await browser.newContext({ javaScriptEnabled: js, baseURL });
    const late = await stranger.newPage();
    await visit(late, '/signup');
    await late.getByLabel('Username').fill(`${p}-late`);
    await late.getByLabel('Email').fill(`${p}-late@example.org`);
    await late.getByLabel('Password').fill(STRONG);
    await late.getByRole('button', { name: 'Create account' }).click();
    await expect(late.getByText('Sign-up is not open on this instance.')).toBeVisible();
    await stranger.close();
  } finally {
    await visit(page, '/admin/settings');
    await page.getByLabel('Sign-up', { exact: true }).selectOption('open');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByText('The settings were saved; they apply now.')).toBeVisible();
  }
  await expect(page.getByLabel('Sign-up', { exact: true })).toHaveValue('open');

  // Both changes are in the audit log.
  await visit(page, '/admin/audit?action=admin');
  await expect(page.locator('tbody')).toContainText('admin.settings_changed');
  await expect(page.locator('tbody')).toContainText('admin.owner_added');
  await other.close();
  expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
});
