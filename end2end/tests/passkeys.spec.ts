import { test, expect, type CDPSession, type Page } from '@playwright/test';
import { expectAccessible, jsEnabled, signUp, STRONG, waitForHydration, watchConsole } from './support';

/** Chromium's virtual authenticator (DevTools WebAuthn domain): a platform authenticator with
 * resident keys and user verification, which answers without a person touching it. */
async function virtualAuthenticator(page: Page): Promise<{ client: CDPSession; authenticatorId: string }> {
  const client = await page.context().newCDPSession(page);
  await client.send('WebAuthn.enable');
  const { authenticatorId } = await client.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { client, authenticatorId };
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();
}

test('register a passkey, sign in with it alone and as a second factor, rename and delete it', async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "passkeys need the browser's WebAuthn API");
  const errors = watchConsole(page);
  const name = `${testInfo.project.name}-passkey`;
  const header = page.getByRole('banner');
  const { client, authenticatorId } = await virtualAuthenticator(page);
  await signUp(page, name);

  // Register: a name, then the authenticator's answer.
  await page.goto('/settings/passkeys');
  await waitForHydration(page);
  await expect(page.getByText('No passkey yet.')).toBeVisible();
  await expectAccessible(page);
  // A name is required (the browser's own check stops the form first).
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  expect(await page.getByLabel('Name', { exact: true }).evaluate((input: HTMLInputElement) => input.validity.valueMissing)).toBe(true);
  await page.getByLabel('Name', { exact: true }).fill('Virtual key');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(page).toHaveURL(/\/settings\/passkeys\?added=1$/);
  await expect(page.getByRole('status')).toContainText('The passkey was added');
  await expect(page.getByLabel('Name of Virtual key')).toHaveValue('Virtual key');
  const stored = await client.send('WebAuthn.getCredentials', { authenticatorId });
  expect(stored.credentials).toHaveLength(1);
  expect(stored.credentials[0].isResidentCredential).toBe(true);
  await expectAccessible(page);

  // Passwordless: the passkey says who it is.
  await signOut(page);
  await page.goto('/login');
  await waitForHydration(page);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(header).toContainText(`Signed in as ${name}`);
  await expect(page).toHaveURL(/\/$/);

  // A password now asks for a second factor, and the passkey gives it.
  await signOut(page);
  await page.goto('/login');
  await page.getByLabel('Username or email').fill(name);
  await page.getByLabel('Password').fill(STRONG);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/login\/two-factor/);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  await expect(header).toContainText(`Signed in as ${name}`);

  // Rename in place; delete after confirming.
  await page.goto('/settings/passkeys');
  await waitForHydration(page);
  await expect(page.getByRole('cell', { name: /\d{4}-\d{2}-\d{2}/ }).nth(1)).toBeVisible();
  await page.getByLabel('Name of Virtual key').fill('Desk key');
  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByLabel('Name of Desk key')).toHaveValue('Desk key');
  await page.getByRole('link', { name: 'Delete…' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('Delete the passkey Desk key?');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByText('No passkey yet.')).toBeVisible();

  // Deleted: the passkey signs nobody in any more.
  await signOut(page);
  await page.goto('/login');
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(page.getByRole('alert')).toContainText('This passkey was not accepted');
  await expect(header).not.toContainText('Signed in as');
  expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
});

test('without JavaScript, the pages say that passkeys need it and offer no passkey button', async ({ page }, testInfo) => {
  test.skip(jsEnabled(testInfo), 'this is the no-JavaScript view');
  await signUp(page, `${testInfo.project.name}-passkey-nojs`);
  await page.goto('/settings/passkeys');
  await expect(page.getByText('Adding a passkey needs JavaScript')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add a passkey' })).toBeHidden();
  await page.context().clearCookies();
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in with a passkey' })).toBeHidden();
});
