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
  await page.context().clearCookies({ domain: '127.0.0.1', path: '/' });
  await page.goto('/login');
  await page.getByRole('link', { name: `Sign in with ${name}` }).click();
  if (page.url().startsWith(issuer)) await atProvider(page, `bob-${suffix}`);
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
