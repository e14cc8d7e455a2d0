import { test, expect, type Page } from '@playwright/test';
import { expectAccessible, jsEnabled, origin, signUp, waitForHydration, watchConsole } from './support';

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
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
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
  await them.getByRole('button', { name: 'Sign in', exact: true }).click();
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

test('a help-desk admin resets a password but cannot grant roles', async ({ page, browser, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const p = `${testInfo.project.name}-${testInfo.repeatEachIndex}`;
  const desk = `${p}-desk`;
  const bob = `${p}-hd-target`;
  const visit = async (target: Page, path: string) => {
    await target.goto(path);
    if (js) await waitForHydration(target);
  };
  const create = async (name: string) => {
    await visit(page, '/admin/users');
    await page.getByLabel('Email').fill(`${name}@example.org`);
    await page.getByLabel('Username (optional)').fill(name);
    await page.getByRole('button', { name: 'Create user' }).click();
    const shown = page.getByLabel('Temporary password');
    await expect(shown).toHaveValue(/^[A-Za-z0-9]{20}$/);
    return shown.inputValue();
  };

  // The site admin creates two accounts and makes one of them the help desk.
  await visit(page, '/login');
  await page.getByLabel('Username or email').fill('e2e-root');
  await page.getByLabel('Password').fill(ROOT_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('banner').getByRole('link', { name: 'Admin' })).toBeVisible();
  const temporary = await create(desk);
  await create(bob);
  await visit(page, `/admin/users/${desk}`);
  await page.getByLabel('Instance role').selectOption({ label: 'Help desk' });
  await page.getByRole('button', { name: 'Save role' }).click();
  await expect(page.locator('.facts')).toContainText('Help desk');
  await visit(page, '/admin/roles');
  if (js) await expectAccessible(page);
  await expect(page.getByRole('row', { name: /Help desk/ })).toBeVisible();
  await visit(page, '/admin/roles/help_desk');
  await expect(page.getByText('Reset passwords and two-factor')).toBeVisible();
  await expect(page.getByText('Change instance settings')).toHaveCount(0);

  // The help desk signs in (choosing their own password first).
  const other = await browser.newContext({ javaScriptEnabled: js, baseURL });
  const them = await other.newPage();
  await visit(them, '/login');
  await them.getByLabel('Username or email').fill(desk);
  await them.getByLabel('Password').fill(temporary);
  await them.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(them).toHaveURL(/\/settings\/password\?required=1/);
  if (js) await waitForHydration(them);
  await them.getByLabel('Current password').fill(temporary);
  await them.getByLabel('New password', { exact: true }).fill(CHOSEN);
  await them.getByLabel('New password, again').fill(CHOSEN);
  await them.getByRole('button', { name: 'Change password' }).click();
  await expect(them.getByText('Your password was changed.')).toBeVisible();

  // Their administration shows only what the role opens.
  await visit(them, '/admin/users');
  const tabs = them.getByRole('navigation', { name: 'Site administration' });
  await expect(tabs.getByRole('link', { name: 'Users' })).toBeVisible();
  await expect(tabs.getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await expect(tabs.getByRole('link', { name: 'Audit log' })).toHaveCount(0);
  if (js) await expectAccessible(them);

  // They reset bob's password: the temporary one is shown once.
  await visit(them, `/admin/users/${bob}`);
  await expect(them.getByRole('button', { name: 'Save role' })).toHaveCount(0);
  await them.getByRole('button', { name: 'Reset password' }).click();
  await expect(them.getByLabel('Temporary password')).toHaveValue(/^[A-Za-z0-9]{20}$/);

  // Granting a role is refused by the server too, on every path.
  const res = await them.request.patch(`/api/v1/admin/users/${bob}`, {
    data: { instance_role: 'auditor' },
    headers: { Origin: new URL(baseURL ?? '').origin },
  });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.message).toContain('users.update');
  const res2 = await them.request.patch(`/api/v1/admin/users/${bob}`, {
    data: { site_admin: true },
    headers: { Origin: new URL(baseURL ?? '').origin },
  });
  expect(res2.status()).toBe(403);

  // A site admin is beyond their reach, and the settings are closed to them.
  await visit(them, '/admin/users/e2e-root');
  await them.getByRole('button', { name: 'Reset password' }).click();
  await expect(them.getByText('holds instance permissions you do not have')).toBeVisible();
  await visit(them, '/admin/settings');
  await expect(them.getByText('instance.settings.update')).toBeVisible();
  await other.close();
  expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
});

test('a batch of five accounts is created at once with their passwords', async ({ page, browser, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const p = `${testInfo.project.name}-${testInfo.repeatEachIndex}`;
  const visit = async (target: Page, path: string) => {
    await target.goto(path);
    if (js) await waitForHydration(target);
  };
  await visit(page, '/login');
  await page.getByLabel('Username or email').fill('e2e-root');
  await page.getByLabel('Password').fill(ROOT_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('banner').getByRole('link', { name: 'Admin' })).toBeVisible();

  await visit(page, '/admin/users');
  await page.getByRole('link', { name: 'Create several accounts at once' }).click();
  await expect(page).toHaveURL(/\/admin\/batch$/);
  if (js) await waitForHydration(page);
  if (js) await expectAccessible(page);
  const names = [1, 2, 3, 4, 5].map((n) => `${p}-batch${n}`);
  const lines = names.map((n, i) => (i === 1 ? `${n}@example.org, ${n}-chosen` : `${n}@example.org`));
  lines.splice(2, 0, 'not an address');
  await page.getByLabel('Email addresses').fill(lines.join('\n'));
  await page.getByRole('button', { name: 'Create accounts' }).click();

  const outcome = page.getByRole('status').filter({ hasText: 'accounts created' });
  await expect(outcome).toContainText('5 accounts created, 1 address refused.');
  await expect(outcome.getByRole('row')).toHaveCount(6);
  await expect(outcome.getByText('Address 3:')).toBeVisible();
  await expect(page.getByRole('link', { name: `${names[1]}-chosen` })).toBeVisible();
  const download = page.getByRole('link', { name: 'Download as CSV' });
  const csv = decodeURIComponent((await download.getAttribute('href')) ?? '');
  expect(csv).toContain('username,email,temporary_password');
  expect(csv.split('\r\n').filter((l) => l.includes('example.org'))).toHaveLength(5);
  const first = await outcome.getByLabel(`Temporary password of ${names[0]}`).inputValue();
  expect(first).toMatch(/^[A-Za-z0-9]{20}$/);
  expect(csv).toContain(first);
  if (js) await expectAccessible(page);

  // Shown once: the page opened again has no passwords.
  await visit(page, '/admin/batch');
  await expect(page.getByText('accounts created')).toHaveCount(0);

  // The first account signs in with its temporary password and must choose its own.
  const other = await browser.newContext({ javaScriptEnabled: js, baseURL });
  const them = await other.newPage();
  await visit(them, '/login');
  await them.getByLabel('Username or email').fill(names[0]);
  await them.getByLabel('Password').fill(first);
  await them.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(them).toHaveURL(/\/settings\/password\?required=1/);
  await other.close();
  expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
});

test("an admin turns off a user's API access, revokes their token and ends their sessions", async ({ page, browser, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const p = `${testInfo.project.name}-${testInfo.repeatEachIndex}`;
  const name = `${p}-cred`;
  const visit = async (target: Page, path: string) => {
    await target.goto(path);
    if (js) await waitForHydration(target);
  };
  // Someone with a token and a session.
  const other = await browser.newContext({ javaScriptEnabled: js, baseURL });
  const them = await other.newPage();
  await signUp(them, name);
  const created = await them.request.post('/api/v1/account/tokens', { headers: origin(), data: { description: 'deploy script' } });
  expect(created.status()).toBe(201);
  const token = (await created.json()).token as string;
  const api = async () => (await them.request.get('/api/v1/account', { headers: { Authorization: `Bearer ${token}`, Cookie: '' } })).status();
  expect(await api()).toBe(200);

  await visit(page, '/login');
  await page.getByLabel('Username or email').fill('e2e-root');
  await page.getByLabel('Password').fill(ROOT_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('banner').getByRole('link', { name: 'Admin' })).toBeVisible();
  await visit(page, `/admin/users/${name}`);
  await expect(page.getByRole('row', { name: /deploy script/ })).toBeVisible();
  if (js) await expectAccessible(page);
  await expect(page.locator('.facts div', { hasText: 'Organizations' })).toContainText('None');

  // A new address: unverified until its owner opens the link; the old one is told.
  await page.getByLabel('Email', { exact: true }).fill(`${name}-new@example.org`);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('.facts')).toContainText(`${name}-new@example.org (not verified)`);
  const outbox = await (await page.request.get('/api/v1/admin/outbox?limit=100')).json();
  const told = outbox.items.some((m: { recipient: string; kind: string }) => m.recipient === `${name}@example.org` && m.kind === 'email_changed');
  expect(told).toBe(true);

  // The instance's token list shows it, never the secret.
  await visit(page, '/admin/tokens');
  await expect(page.getByRole('row', { name: /deploy script/ })).toBeVisible();
  if (js) await expectAccessible(page);
  await visit(page, `/admin/users/${name}`);

  // API access off: the token is refused at once.
  await page.getByRole('button', { name: 'Turn API access off' }).click();
  await expect(page.getByText('API access off', { exact: true })).toBeVisible();
  expect(await api()).toBe(403);
  await page.getByRole('button', { name: 'Turn API access on' }).click();
  await expect(page.getByText('API access on', { exact: true })).toBeVisible();
  expect(await api()).toBe(200);

  // Revoking the token, after confirming.
  await page.getByRole('row', { name: /deploy script/ }).getByRole('link', { name: /Revoke/ }).click();
  if (js) await waitForHydration(page);
  await page.getByRole('button', { name: 'Revoke token' }).click();
  await expect(page.getByText('No live tokens.')).toBeVisible();
  expect(await api()).toBe(401);

  // Ending their sessions signs them out everywhere.
  await page.getByRole('button', { name: /End all \d+ sessions|End their session/ }).click();
  await expect(page.getByText('Not signed in anywhere.')).toBeVisible();
  await them.goto('/settings/profile');
  await expect(them.getByText('Sign in to see your settings.')).toBeVisible();
  await other.close();
  expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
});
