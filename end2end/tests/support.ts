import { expect, request, test, type Page, type TestInfo } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Evaluated through the DevTools protocol, so the page's real Content-Security-Policy stays
// in force (no bypassCSP) and still allows the checker in.
const axeSource = fs.readFileSync(
  path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js'),
  'utf8',
);

export function jsEnabled(testInfo: TestInfo): boolean {
  return testInfo.project.use.javaScriptEnabled !== false;
}

/** Collects console errors and uncaught exceptions for the rest of the test. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

/** Waits until the WebAssembly app has taken over the server-rendered page. */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator('.app')).toHaveAttribute('data-hydrated', 'true');
}

/** Runs axe-core on the page: no serious or critical violation is allowed. */
export async function expectAccessible(page: Page): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // @ts-expect-error axe is injected above
    const result = await window.axe.run(document, {
      resultTypes: ['violations'],
    });
    return result.violations
      .filter((v: { impact?: string }) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v: { id: string; impact: string; help: string; nodes: { target: string[] }[] }) =>
          `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
      );
  });
  expect(violations, violations.join('\n')).toEqual([]);
}

/** The RFC 6238 code (SHA-1, 6 digits, 30 s) for a base32 secret, `offsetSeconds` from now. */
export function totp(secretBase32: string, offsetSeconds = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const step = Math.floor((Date.now() / 1000 + offsetSeconds) / 30);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hmac = require('node:crypto').createHmac('sha1', key).update(counter).digest();
  const offset = hmac[hmac.length - 1] & 0xf;
  const value = (hmac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

/** The site administrator that serve.sh creates. */
export const ROOT = { login: 'e2e-root', password: 'e2e root passphrase violet' };

/**
 * Verifies `email` the way its owner would: takes the newest verification link sent to it
 * (read from the outbox by the site administrator, as no SMTP server is configured in the
 * tests) and follows it through the API.
 */
export async function verifyEmail(baseURL: string, email: string): Promise<void> {
  const admin = await request.newContext({ baseURL });
  const headers = { Origin: baseURL };
  const login = await admin.post('/api/v1/auth/login', { headers, data: ROOT });
  expect(login.status(), await login.text()).toBe(200);
  const outbox = await admin.get('/api/v1/admin/outbox');
  expect(outbox.status()).toBe(200);
  const items: { recipient: string; body: string }[] = (await outbox.json()).items;
  const mail = items.find((m) => m.recipient === email && m.body.includes('/verify-email?token='));
  expect(mail, `a verification email to ${email}`).toBeTruthy();
  const token = /\/verify-email\?token=([A-Za-z0-9_-]+)/.exec(mail!.body)![1];
  const verified = await admin.post('/api/v1/auth/verify-email', { headers, data: { token } });
  expect(verified.status(), await verified.text()).toBeLessThan(300);
  await admin.dispose();
}

/** The password every journey's accounts use. */
export const STRONG = 'violet tractor quietly hums';

export function origin(): { Origin: string } {
  const baseURL = test.info().project.use.baseURL;
  if (!baseURL) throw new Error('the Playwright config sets baseURL');
  return { Origin: baseURL };
}

/**
 * Creates the account `name` (email `name@example.org`) through the REST API, signs the page's
 * browser context in as it and opens the home page. Journeys set up their people this way; the sign-up form
 * itself is covered by auth.spec.ts and organizations.spec.ts.
 */
export async function signUp(page: Page, name: string, password = STRONG): Promise<void> {
  const headers = origin();
  const signup = await page.request.post('/api/v1/auth/signup', {
    headers,
    data: { username: name, email: `${name}@example.org`, password },
  });
  expect(signup.status(), await signup.text()).toBe(201);
  const login = await page.request.post('/api/v1/auth/login', {
    headers,
    data: { login: name, password },
  });
  expect(login.status(), await login.text()).toBe(200);
  // Where the sign-up form leaves a new person: the home page, signed in.
  await page.goto('/');
  if (jsEnabled(test.info())) await waitForHydration(page);
}

/** Creates the organization `name` as the page's signed-in user, through the REST API, and
 * opens it. */
export async function createOrg(page: Page, name: string): Promise<void> {
  const created = await page.request.post('/api/v1/organizations', {
    headers: origin(),
    data: { name },
  });
  expect(created.status(), await created.text()).toBe(201);
  // Where the form leaves its creator: the organization's overview.
  await page.goto(`/orgs/${name}`);
  if (jsEnabled(test.info())) await waitForHydration(page);
}
