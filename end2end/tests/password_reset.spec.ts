import { test, expect, request, type Page } from '@playwright/test';
import { ROOT, expectAccessible, jsEnabled, signUp, verifyEmail, waitForHydration, watchConsole } from './support';

/** The newest "forgot password?" link sent to `email`, read from the outbox by the site admin. */
async function resetLink(baseURL: string, email: string): Promise<string> {
  const admin = await request.newContext({ baseURL });
  const login = await admin.post('/api/v1/auth/login', { headers: { Origin: baseURL }, data: ROOT });
  expect(login.status()).toBe(200);
  // The answer does not wait for the link: it is queued a moment later.
  let mail: { recipient: string; body: string } | undefined;
  for (let i = 0; i < 50 && !mail; i++) {
    const items: { recipient: string; body: string }[] = (await (await admin.get('/api/v1/admin/outbox?limit=200')).json()).items;
    mail = items.find((m) => m.recipient === email && m.body.includes('/reset-password?token='));
    if (!mail) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await admin.dispose();
  expect(mail, `a reset email to ${email}`).toBeTruthy();
  return /\/reset-password\?token=[A-Za-z0-9_-]+/.exec(mail!.body)![0];
}

test('a forgotten password is replaced with an emailed link, once', async ({ page, browser, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const name = `${testInfo.project.name}-forgot`;
  const chosen = 'amber lantern slowly drifts';
  const visit = async (target: Page, path: string) => {
    await target.goto(path);
    if (js) await waitForHydration(target);
  };
  // An account with a verified address, signed in elsewhere.
  const other = await browser.newContext({ javaScriptEnabled: js, baseURL });
  const elsewhere = await other.newPage();
  await signUp(elsewhere, name);
  await verifyEmail(baseURL!, `${name}@example.org`);

  await visit(page, '/login');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page).toHaveURL(/\/forgot-password/);
  if (js) {
    await waitForHydration(page);
    await expectAccessible(page);
  }
  await page.getByLabel('Username or email').fill(`${name}@example.org`);
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await expect(page.getByText('If an account with a verified address matches')).toBeVisible();

  const link = await resetLink(baseURL!, `${name}@example.org`);
  await visit(page, link);
  await expect(page.getByText(`For the account ${name}.`)).toBeVisible();
  if (js) await expectAccessible(page);
  await page.getByLabel('New password', { exact: true }).fill(chosen);
  await page.getByLabel('New password, again').fill(chosen);
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await expect(page.getByRole('banner')).toContainText(`Signed in as ${name}`);

  // The other session ended; the link is used up.
  await elsewhere.goto('/settings/profile');
  await expect(elsewhere.getByText('Sign in to see your settings.')).toBeVisible();
  await visit(page, link);
  await expect(page.getByText('This link is invalid, was already used, or has expired.')).toBeVisible();
  await other.close();
  expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
});
