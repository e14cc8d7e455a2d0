import { test, expect, request, type APIRequestContext, type Page } from '@playwright/test';
import { ROOT, STRONG, expectAccessible, jsEnabled, verifyEmail, waitForHydration, watchConsole } from './support';

// Single sign-on through a real OpenID Connect provider (npm `oidc-provider`, started by the
// Playwright config from oidc/provider.mjs): the administrator configures it, registers
// Gatehouse's redirect URL there, and people sign in with it.

const issuer = process.env.GATEHOUSE_E2E_OIDC_ISSUER!;

async function asRoot(baseURL: string): Promise<APIRequestContext> {
  const admin = await request.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL } });
  const login = await admin.post('/api/v1/auth/login', { data: ROOT });
  expect(login.status(), await login.text()).toBe(200);
  return admin;
}

/**
 * The provider `name`, configured once: created in Gatehouse, Gatehouse registered at the
 * provider with the redirect URL Gatehouse shows, then the client id and secret saved.
 */
async function provider(baseURL: string, name: string): Promise<string> {
  const admin = await asRoot(baseURL);
  const existing: { id: string; name: string }[] = await (await admin.get('/api/v1/admin/sso/providers')).json();
  const found = existing.find((p) => p.name === name);
  if (found) {
    await admin.dispose();
    return found.id;
  }
  const created = await admin.post('/api/v1/admin/sso/providers', {
    data: { name, issuer, client_id: 'pending', client_secret: 'pending', scopes: ['email', 'profile', 'groups'], groups_claim: 'groups' },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id, redirect_url } = await created.json();
  const registration = await request.newContext();
  const registered = await registration.post(`${issuer}/reg`, {
    data: { redirect_uris: [redirect_url], token_endpoint_auth_method: 'client_secret_basic' },
  });
  expect(registered.status(), await registered.text()).toBe(201);
  const client = await registered.json();
  const saved = await admin.patch(`/api/v1/admin/sso/providers/${id}`, {
    data: { client_id: client.client_id, client_secret: client.client_secret },
  });
  expect(saved.status(), await saved.text()).toBe(200);
  await registration.dispose();
  await admin.dispose();
  return id;
}

/** Signs in at the provider's own login page (its development page takes any password). */
async function atProvider(page: Page, login: string) {
  await expect(page).toHaveURL(new RegExp(`^${issuer}/`));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
}

async function tamper(mode: string) {
  const control = await request.newContext();
  const set = await control.post(`${issuer}/__tamper`, { data: { mode } });
  expect(set.status()).toBe(204);
  await control.dispose();
}

test('a first sign-in through the provider creates the account, which keeps its last way in', async ({ page, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const suffix = testInfo.project.name;
  const name = `Corp ID ${suffix}`;
  await provider(baseURL!, name);

  await page.goto('/login');
  if (js) {
    await waitForHydration(page);
    await expectAccessible(page);
  }
  await page.getByRole('link', { name: `Sign in with ${name}` }).click();
  await atProvider(page, `ada-${suffix}`);
  await expect(page.getByRole('banner')).toContainText(`Signed in as ada-sso-${suffix}`);

  // Gatehouse's pages from here on (the provider's own pages are not ours to judge).
  const errors = watchConsole(page);
  await page.goto('/settings/sign-in-methods');
  if (js) {
    await waitForHydration(page);
    await expectAccessible(page);
  }
  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText(`ada-sso-${suffix}@example.org`);
  await row.getByRole('link', { name: 'Unlink…' }).click();
  await page.getByRole('button', { name: 'Unlink', exact: true }).click();
  // No password and no other provider: the identity stays.
  await expect(page.getByText('This is your last way to sign in.')).toBeVisible();
  await page.goto('/settings/sign-in-methods');
  await expect(page.getByRole('row', { name: new RegExp(name) })).toBeVisible();
  // Signing out offers the provider's own sign-out (its session would sign the next person in).
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signed-out\?provider=/);
  const providerSignOut = page.getByRole('link', { name: `Sign out of ${name}` });
  await expect(providerSignOut).toHaveAttribute('href', new RegExp(`^${issuer}/session/end\\?client_id=`));
  if (js) {
    await waitForHydration(page);
    await expectAccessible(page);
  }
  // The refused unlink is a 409 the browser reports; nothing else may go wrong.
  expect(errors.filter((e) => !e.includes('status of 409'))).toEqual([]);
});

test('an existing account is linked only after its password is given', async ({ page, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const suffix = testInfo.project.name;
  const name = `Corp ID ${suffix}`;
  await provider(baseURL!, name);
  // bob-link-<suffix> has a password account with the address the provider vouches for.
  const username = `bob-link-${suffix}`;
  const signup = await request.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL! } });
  const created = await signup.post('/api/v1/auth/signup', {
    data: { username, email: `${username}@example.org`, password: STRONG },
  });
  expect(created.status(), await created.text()).toBe(201);
  await signup.dispose();
  await verifyEmail(baseURL!, `${username}@example.org`);

  await page.goto('/login');
  await page.getByRole('link', { name: `Sign in with ${name}` }).click();
  await atProvider(page, `bob-${suffix}`);
  await expect(page).toHaveURL(/\/login\/link$/);
  await expect(page.getByText(`to the account ${username}`)).toBeVisible();
  if (js) {
    await waitForHydration(page);
    await expectAccessible(page);
  }
  await page.getByLabel(`Password of ${username}`).fill('not the password at all');
  await page.getByRole('button', { name: 'Link and sign in' }).click();
  await expect(page.getByText('Invalid username or password.')).toBeVisible();
  await page.getByLabel(`Password of ${username}`).fill(STRONG);
  await page.getByRole('button', { name: 'Link and sign in' }).click();
  await expect(page.getByRole('banner')).toContainText(`Signed in as ${username}`);

  // Linked: the next sign-in through the provider needs no password.
  await page.context().clearCookies({ domain: 'localhost', path: '/' });
  await page.goto('/login');
  await page.getByRole('link', { name: `Sign in with ${name}` }).click();
  if (page.url().startsWith(issuer)) await atProvider(page, `bob-${suffix}`);
  await expect(page.getByRole('banner')).toContainText(`Signed in as ${username}`);
});

test('an existing account is linked with a link emailed to it, in the browser that waits', async ({ page, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const suffix = `mail-${testInfo.project.name}`;
  const name = `Corp ID ${testInfo.project.name}`;
  await provider(baseURL!, name);
  // bob-link-mail-<project> has an account with the address the provider vouches for.
  const username = `bob-link-${suffix}`;
  const signup = await request.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL! } });
  const created = await signup.post('/api/v1/auth/signup', {
    data: { username, email: `${username}@example.org`, password: STRONG },
  });
  expect(created.status(), await created.text()).toBe(201);
  await signup.dispose();
  await verifyEmail(baseURL!, `${username}@example.org`);

  await page.goto('/login');
  await page.getByRole('link', { name: `Sign in with ${name}`, exact: true }).click();
  await atProvider(page, `bob-${suffix}`);
  await expect(page).toHaveURL(/\/login\/link$/);
  if (js) await waitForHydration(page);
  await page.getByRole('button', { name: 'Email me a link instead' }).click();
  await expect(page.getByRole('status')).toContainText("We sent a link to the account's email address");

  // The message, as the account's owner gets it (read from the outbox: no SMTP server here).
  const admin = await asRoot(baseURL!);
  const items: { recipient: string; body: string }[] = (await (await admin.get('/api/v1/admin/outbox')).json()).items;
  await admin.dispose();
  const mail = items.find((m) => m.recipient === `${username}@example.org` && m.body.includes('/login/link?token='));
  expect(mail, 'the link to prove the account').toBeTruthy();
  const link = /\/login\/link\?token=[A-Za-z0-9_-]+/.exec(mail!.body)![0];

  await page.goto(link);
  await expect(page.getByText(`proves the account ${username}`)).toBeVisible();
  if (js) {
    await waitForHydration(page);
    await expectAccessible(page);
  }
  await page.getByRole('button', { name: 'Link and sign in' }).click();
  await expect(page.getByRole('banner')).toContainText(`Signed in as ${username}`);
});

test('an ID token with the wrong audience, nonce or expiry is refused with a clear page', async ({ page, baseURL }, testInfo) => {
  const suffix = testInfo.project.name;
  const name = `Corp ID ${suffix}`;
  await provider(baseURL!, name);
  try {
    for (const mode of ['aud', 'nonce', 'expired']) {
      await tamper(mode);
      await page.context().clearCookies();
      await page.goto('/login');
      await page.getByRole('link', { name: `Sign in with ${name}` }).click();
      await atProvider(page, `ada-${suffix}`);
      await expect(page, mode).toHaveURL(/\/login\?sso_error=rejected/);
      await expect(page.getByRole('alert')).toContainText("answer could not be verified");
      await expect(page.getByRole('banner')).not.toContainText('Signed in as');
    }
  } finally {
    await tamper('none');
  }
});

test('group mappings put members in the mapped group at each sign-in', async ({ page, baseURL }, testInfo) => {
  const suffix = testInfo.project.name;
  const name = `Corp ID ${suffix}`;
  const id = await provider(baseURL!, name);
  const org = `sso-map-${suffix}`;
  const admin = await asRoot(baseURL!);
  expect((await admin.post('/api/v1/organizations', { data: { name: org } })).status()).toBe(201);
  const group = await admin.post(`/api/v1/organizations/${org}/groups`, { data: { name: 'engineering', role: 'viewer' } });
  expect(group.status(), await group.text()).toBe(201);
  const mapped = await admin.patch(`/api/v1/admin/sso/providers/${id}`, {
    data: { group_mappings: [{ claim_value: 'engineering', organization: org, group: 'engineering' }] },
  });
  expect(mapped.status(), await mapped.text()).toBe(200);
  // Cy signs in once (an account made just in time), then joins the organization.
  const username = `cy-sso-${suffix}`;
  await page.goto('/login');
  await page.getByRole('link', { name: `Sign in with ${name}` }).click();
  await atProvider(page, `cy-${suffix}`);
  await expect(page.getByRole('banner')).toContainText(`Signed in as ${username}`);
  const invited = await admin.post(`/api/v1/organizations/${org}/invitations`, {
    data: { email: `${username}@example.org`, role: 'viewer' },
  });
  expect(invited.status(), await invited.text()).toBe(201);
  const mine: { items: { id: string }[] } = await (await page.request.get('/api/v1/account/invitations')).json();
  const accepted = await page.request.post(`/api/v1/account/invitations/${mine.items[0].id}/accept`, {
    headers: { Origin: baseURL! },
  });
  expect(accepted.status(), await accepted.text()).toBe(200);
  const members = async () =>
    ((await (await admin.get(`/api/v1/organizations/${org}/groups/engineering/members`)).json()).items as { username: string }[]).map((m) => m.username);
  expect(await members()).not.toContain(username);
  // The next sign-in through the provider applies the mapping (its groups claim holds "engineering").
  await page.context().clearCookies();
  await page.goto('/login');
  await page.getByRole('link', { name: `Sign in with ${name}` }).click();
  await atProvider(page, `cy-${suffix}`);
  await expect(page.getByRole('banner')).toContainText(`Signed in as ${username}`);
  expect(await members()).toContain(username);
  await admin.dispose();
});

test('"SSO only" leaves password sign-in to site administrators', async ({ page, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const suffix = testInfo.project.name;
  const username = `pw-only-${suffix}`;
  const visitor = await request.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL! } });
  expect((await visitor.post('/api/v1/auth/signup', { data: { username, email: `${username}@example.org`, password: STRONG } })).status()).toBe(201);
  await visitor.dispose();
  const admin = await asRoot(baseURL!);
  expect((await admin.patch('/api/v1/admin/settings', { data: { sso_only: true } })).status()).toBe(200);
  try {
    await page.goto('/login');
    if (js) await waitForHydration(page);
    await expect(page.getByText('Password sign-in is for site administrators only.')).toBeVisible();
    await page.getByLabel('Username or email').fill(username);
    await page.getByLabel('Password').fill(STRONG);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByText('Password sign-in is turned off on this instance')).toBeVisible();
    await expect(page.getByRole('banner')).not.toContainText('Signed in as');
    // A site administrator still gets in with a password.
    await page.getByLabel('Username or email').fill(ROOT.login);
    await page.getByLabel('Password').fill(ROOT.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('banner')).toContainText(`Signed in as ${ROOT.login}`);
  } finally {
    expect((await admin.patch('/api/v1/admin/settings', { data: { sso_only: false } })).status()).toBe(200);
    await admin.dispose();
  }
});

test('an organization that requires its provider refuses a member who signed in with a password', async ({ page, browser, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const suffix = testInfo.project.name;
  const name = `Corp ID ${suffix}`;
  await provider(baseURL!, name);
  const org = `sso-req-${suffix}`;
  // Cy (signed in through the provider) owns the organization and requires the provider.
  await page.goto('/login');
  await page.getByRole('link', { name: `Sign in with ${name}` }).click();
  if (page.url().startsWith(issuer)) await atProvider(page, `cy-${suffix}`);
  await expect(page.getByRole('banner')).toContainText(`Signed in as cy-sso-${suffix}`);
  const headers = { Origin: baseURL! };
  expect((await page.request.post('/api/v1/organizations', { headers, data: { name: org } })).status()).toBe(201);
  await page.goto(`/orgs/${org}/settings`);
  if (js) {
    await waitForHydration(page);
    await expectAccessible(page);
  }
  await page.getByLabel('Members sign in through').selectOption({ label: name });
  await page.getByRole('button', { name: 'Save sign-in requirement' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await expect(page.getByLabel('Members sign in through')).toHaveValue(/.+/);
  // A member with a password session is sent to the provider.
  const member = `pw-req-${suffix}`;
  const other = await browser.newContext({ javaScriptEnabled: js, baseURL });
  const visitor = await other.newPage();
  const signedUp = await visitor.request.post('/api/v1/auth/signup', {
    headers,
    data: { username: member, email: `${member}@example.org`, password: STRONG },
  });
  expect(signedUp.status()).toBe(201);
  await verifyEmail(baseURL!, `${member}@example.org`);
  const login = await visitor.request.post('/api/v1/auth/login', { headers, data: { login: member, password: STRONG } });
  expect(login.status(), await login.text()).toBe(200);
  const invited = await page.request.post(`/api/v1/organizations/${org}/invitations`, {
    headers,
    data: { email: `${member}@example.org`, role: 'viewer' },
  });
  expect(invited.status(), await invited.text()).toBe(201);
  const mine: { items: { id: string }[] } = await (await visitor.request.get('/api/v1/account/invitations')).json();
  expect((await visitor.request.post(`/api/v1/account/invitations/${mine.items[0].id}/accept`, { headers })).status()).toBe(200);
  const members = await visitor.request.get(`/api/v1/organizations/${org}/members`);
  expect(members.status()).toBe(403);
  expect((await members.json()).error.message).toContain('requires signing in through its identity provider');
  await other.close();
});

test('a site administrator adds a provider from the admin pages and sees the redirect URL', async ({ page, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const suffix = testInfo.project.name;
  await page.goto('/login');
  await page.getByLabel('Username or email').fill(ROOT.login);
  await page.getByLabel('Password').fill(ROOT.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('banner')).toContainText(`Signed in as ${ROOT.login}`);
  await page.goto('/admin/sso');
  if (js) {
    await waitForHydration(page);
    await expectAccessible(page);
  }
  // A plain-http issuer elsewhere is refused next to its field.
  await page.getByLabel('Display name').fill(`Paged ${suffix}`);
  await page.getByLabel('Issuer URL').fill('http://id.example.com');
  await page.getByLabel('Client id').fill('paged-client');
  await page.getByLabel('Client secret').fill('paged-secret');
  await page.getByRole('button', { name: 'Add provider' }).click();
  await expect(page.getByText('Use the provider\'s https issuer URL')).toBeVisible();
  await page.getByLabel('Display name').fill(`Paged ${suffix}`);
  await page.getByLabel('Issuer URL').fill(issuer);
  await page.getByLabel('Client id').fill('paged-client');
  await page.getByLabel('Client secret').fill('paged-secret');
  await page.getByRole('button', { name: 'Add provider' }).click();
  await expect(page.getByText('The provider was added.')).toBeVisible();
  await expect(page.getByText(/\/api\/v1\/auth\/sso\/[a-z0-9]+\/callback/)).toBeVisible();
  if (js) {
    await waitForHydration(page);
    await expectAccessible(page);
  }
  // The secret is never shown back.
  expect(await page.content()).not.toContain('paged-secret');
  expect(errors.filter((e) => !e.includes('status of 422'))).toEqual([]);
});
