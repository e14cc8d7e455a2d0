import { test, expect } from '@playwright/test';
import { createOrg, expectAccessible, jsEnabled, origin, signUp, waitForHydration, watchConsole } from './support';


test('create a token, use it from a script, revoke it', async ({ page, playwright, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const name = `${testInfo.project.name}-tokens`;
  await signUp(page, name);

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
  // The form is empty again, whichever way it was posted (a plain post loads a fresh page).
  await expect(page.getByLabel('What is it for?')).toHaveValue('');
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

test('organization and group tokens: created once, used by a script, revoked', async ({ page, playwright, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const p = `${testInfo.project.name}-${testInfo.repeatEachIndex}`;
  const name = `${p}-otk`;
  const org = `${p}-otk-org`;
  const visit = async (path: string) => {
    await page.goto(path);
    if (js) await waitForHydration(page);
  };
  await signUp(page, name);
  await createOrg(page, org);

  // An organization token with the Viewer role.
  await page.getByRole('link', { name: 'Tokens' }).click();
  await expect(page.getByText('This organization has no tokens.')).toBeVisible();
  if (js) await waitForHydration(page);
  await page.getByLabel('What is it for?').fill('nightly export');
  await page.getByLabel('Role').selectOption('viewer');
  await expect(page.getByLabel('Role').locator('option[value="owner"]')).toHaveCount(0);
  await page.getByRole('button', { name: 'Create token' }).click();
  const reveal = page.getByLabel('New token');
  await expect(reveal).toHaveValue(/^gto_[0-9A-Za-z]{36}$/);
  const token = await reveal.inputValue();
  const row = page.locator('tbody tr', { hasText: 'nightly export' });
  await expect(row).toContainText('viewer');
  await expect(row).toContainText(name);
  if (js) await expectAccessible(page);

  const script = await playwright.request.newContext({ baseURL });
  const auth = { Authorization: `Bearer ${token}` };
  expect((await script.get(`/api/v1/organizations/${org}/members`, { headers: auth })).status()).toBe(200);
  expect((await script.get('/api/v1/account', { headers: auth })).status()).toBe(403);

  // Revoked behind a confirmation.
  await visit(`/orgs/${org}/tokens`);
  await page.getByRole('link', { name: 'Revoke nightly export' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke token' }).click();
  await expect(page.getByText('This organization has no tokens.')).toBeVisible();
  expect((await script.get(`/api/v1/organizations/${org}/members`, { headers: auth })).status()).toBe(401);

  // A group token on the group's page.
  await visit(`/orgs/${org}/people?tab=groups`);
  await page.getByLabel('Name', { exact: true }).fill('deployers');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page).toHaveURL(`/orgs/${org}/groups/deployers`);
  if (js) await waitForHydration(page);
  await page.getByLabel('What is it for?').fill('deploy bot');
  await page.getByRole('button', { name: 'Create group token' }).click();
  await expect(page.getByLabel('New token')).toHaveValue(/^gtg_[0-9A-Za-z]{36}$/);
  await expect(page.locator('tbody tr', { hasText: 'deploy bot' })).toContainText('Never used');
  if (js) await expectAccessible(page);
  await script.dispose();
});

test('a token limited to one organization reads it, is refused a write above its level and sees nothing else', async ({ page, playwright, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const name = `${testInfo.project.name}-scoped`;
  const [org, other] = [`${testInfo.project.name}-scope-org`, `${testInfo.project.name}-scope-other`];
  await signUp(page, name);
  await createOrg(page, org);
  await createOrg(page, other);

  await page.goto('/settings/tokens');
  if (js) await waitForHydration(page);
  await page.getByLabel('What is it for?').fill('status dashboard');
  await page.getByLabel('Limit to').selectOption(`${org}/viewer`);
  await page.getByRole('button', { name: 'Create token' }).click();
  const reveal = page.getByLabel('New token');
  await expect(reveal).toHaveValue(/^gtu_/);
  const token = await reveal.inputValue();
  const row = page.locator('tbody tr', { hasText: 'status dashboard' });
  await expect(row).toContainText(`Only ${org} · viewer`);
  if (js) await expectAccessible(page);

  // The script: reads its organization, 403 on a write above Viewer, 404 in the other one.
  const script = await playwright.request.newContext({ baseURL });
  const headers = { Authorization: `Bearer ${token}` };
  expect((await script.get(`/api/v1/organizations/${org}`, { headers })).status()).toBe(200);
  expect((await script.get(`/api/v1/organizations/${org}/members`, { headers })).status()).toBe(200);
  const write = await script.patch(`/api/v1/organizations/${org}`, { headers: { ...headers, ...origin() }, data: { display_name: 'Renamed' } });
  expect(write.status(), await write.text()).toBe(403);
  expect((await script.get(`/api/v1/organizations/${other}`, { headers })).status()).toBe(404);
  expect((await script.get('/api/v1/account/organizations', { headers })).status()).toBe(403);
  await script.dispose();
  expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
});

test('a rotated token works during its grace period; without one it stops at once', async ({ page, playwright, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const name = `${testInfo.project.name}-rotates`;
  await signUp(page, name);
  const created = await page.request.post('/api/v1/account/tokens', { headers: origin(), data: { description: 'nightly sync', expires_in_days: 30 } });
  expect(created.status()).toBe(201);
  const first = (await created.json()).token as string;
  const script = await playwright.request.newContext({ baseURL });
  const status = async (token: string) => (await script.get('/api/v1/account', { headers: { Authorization: `Bearer ${token}` } })).status();

  // Rotate with one hour of grace: both secrets work.
  await page.goto('/settings/tokens');
  if (js) await waitForHydration(page);
  await page.getByRole('link', { name: 'Rotate nightly sync' }).click();
  if (js) await waitForHydration(page);
  const step = page.getByRole('alertdialog');
  await expect(step).toContainText('Rotate the token “nightly sync”?');
  if (js) await expectAccessible(page);
  await step.getByLabel('The old secret keeps working').selectOption('60');
  await step.getByRole('button', { name: 'Rotate token' }).click();
  const reveal = page.getByLabel('New token');
  await expect(reveal).toHaveValue(/^gtu_/);
  const second = await reveal.inputValue();
  expect(second).not.toBe(first);
  expect(await status(first)).toBe(200);
  expect(await status(second)).toBe(200);
  await page.goto('/settings/tokens');
  if (js) await waitForHydration(page);
  await expect(page.locator('tbody tr', { hasText: 'Rotated: works until then' })).toHaveCount(1);

  // Rotate the new one without grace: it stops at once, its successor works.
  const rows = page.getByRole('link', { name: 'Rotate nightly sync' });
  await expect(rows).toHaveCount(1);
  await rows.click();
  if (js) await waitForHydration(page);
  await page.getByRole('alertdialog').getByLabel('The old secret keeps working').selectOption('0');
  await page.getByRole('alertdialog').getByRole('button', { name: 'Rotate token' }).click();
  await expect(page.getByLabel('New token')).toHaveValue(/^gtu_/);
  const third = await page.getByLabel('New token').inputValue();
  expect(await status(second)).toBe(401);
  expect(await status(third)).toBe(200);
  expect(await status(first)).toBe(200);
  await script.dispose();
  expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
});

test('the organization lists its tokens with what deserves a look, and filters them', async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  const name = `${testInfo.project.name}-hygiene`;
  const org = `${testInfo.project.name}-hygiene-org`;
  await signUp(page, name);
  await createOrg(page, org);
  for (const [description, days] of [['weekly export', 7], ['quarterly', 90]] as const) {
    const res = await page.request.post(`/api/v1/organizations/${org}/tokens`, { headers: origin(), data: { description, role: 'viewer', expires_in_days: days } });
    expect(res.status()).toBe(201);
  }
  await page.goto(`/orgs/${org}/tokens`);
  if (js) await waitForHydration(page);
  const weekly = page.locator('tbody tr', { hasText: 'weekly export' });
  await expect(weekly).toContainText('Expires within 7 days');
  await expect(page.locator('tbody tr')).toHaveCount(2);
  if (js) await expectAccessible(page);
  await page.getByRole('navigation', { name: 'Show tokens' }).getByRole('link', { name: 'Expires within 7 days' }).click();
  await expect(page).toHaveURL(/flag=expiring/);
  await expect(page.locator('tbody tr')).toHaveCount(1);
  await expect(page.locator('tbody tr')).toContainText('weekly export');
});
