import { test, expect, request } from '@playwright/test';
import { expectAccessible, jsEnabled, signUp, STRONG, verifyEmail, waitForHydration, watchConsole } from './support';

test('someone invited by email joins from the home page, in place', async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const baseURL = testInfo.project.use.baseURL!;
  const p = testInfo.project.name;
  const [owner, guest, org, other] = [`${p}-inv-owner`, `${p}-inv-guest`, `${p}-inv-acme`, `${p}-inv-beta`];

  // The owner (through the REST API): two organizations, an invitation to each for the guest.
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL } });
  const signup = await api.post('/api/v1/auth/signup', {
    data: { username: owner, email: `${owner}@example.org`, password: STRONG },
  });
  expect(signup.status(), await signup.text()).toBe(201);
  expect((await api.post('/api/v1/auth/login', { data: { login: owner, password: STRONG } })).status()).toBe(200);
  for (const name of [org, other]) {
    expect((await api.post('/api/v1/organizations', { data: { name } })).status()).toBe(201);
    const invited = await api.post(`/api/v1/organizations/${name}/invitations`, {
      data: { email: `${guest}@example.org`, role: 'viewer' },
    });
    expect(invited.status(), await invited.text()).toBe(201);
  }
  await api.dispose();

  // The guest signs up on their own and verifies the address: the home page offers the first
  // organization and lists both invitations.
  await signUp(page, guest);
  await verifyEmail(baseURL, `${guest}@example.org`);
  await page.goto('/');
  if (js) await waitForHydration(page);
  await expect(page.getByRole('heading', { name: 'Your first organization' })).toBeVisible();
  const invitations = page.getByRole('region', { name: 'Invitations for you' });
  await expect(invitations.getByRole('listitem')).toHaveCount(2);
  await expect(invitations).toContainText(`As viewer, invited by ${owner}.`);
  if (js) await expectAccessible(page);
  // The header's organization menu counts them and links to them.
  const menu = page.getByRole('banner').locator('details.org-switcher');
  await expect(menu.locator('summary')).toContainText('2 invitations waiting');
  await menu.locator('summary').click();
  await expect(menu.getByRole('link', { name: '2 invitations for you' })).toHaveAttribute('href', '/settings/organizations');
  await menu.locator('summary').click();

  // Declining asks first; then only the other invitation is left.
  await invitations.getByRole('listitem').filter({ hasText: other }).getByRole('link', { name: 'Decline…' }).click();
  await expect(page.getByRole('alertdialog')).toContainText(`Decline the invitation to ${other}?`);
  if (js) await expectAccessible(page);
  await page.getByRole('button', { name: 'Decline', exact: true }).click();
  await page.goto('/');
  await expect(invitations.getByRole('listitem')).toHaveCount(1);

  // Joining opens the organization; the welcome is gone.
  await invitations.getByRole('button', { name: `Join ${org}` }).click();
  await expect(page).toHaveURL(new RegExp(`/orgs/${org}\\?joined=1$`));
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Instance status' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Your first organization' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Invitations for you' })).toHaveCount(0);
  await expect(menu.locator('summary')).not.toContainText('waiting');
  expect(errors).toEqual([]);
});
