import { test, expect } from '@playwright/test';
import { expectAccessible, jsEnabled, origin, signUp, STRONG, totp, waitForHydration, watchConsole } from './support';


test('enrol an authenticator, sign in with codes, turn it off', async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const name = `${testInfo.project.name}-totp`;
  const header = page.getByRole('banner');
  await signUp(page, name);

  // Enrol: QR code and key, then a code from the "app".
  await page.goto('/settings/two-factor');
  if (js) await waitForHydration(page);
  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const secret = (await page.getByLabel('Secret key').innerText()).replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  if (js) await expectAccessible(page);
  await page.getByLabel('Code', { exact: true }).fill('000000');
  await page.getByRole('button', { name: 'Turn on two-factor' }).click();
  await expect(page.getByText('That code does not match')).toBeVisible();
  await page.getByLabel('Code', { exact: true }).fill(totp(secret));
  await page.getByRole('button', { name: 'Turn on two-factor' }).click();

  // Ten recovery codes, shown once, with a download.
  const codes = page.getByRole('list', { name: 'Recovery codes' }).locator('li');
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.allInnerTexts()).map((c) => c.trim());
  expect(recovery[0]).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
  await expect(page.getByRole('link', { name: 'Download as text' })).toHaveAttribute(
    'download',
    'gatehouse-recovery-codes.txt',
  );
  await expect(page.getByText('Two-factor authentication is on. 10 of 10 recovery codes left.')).toBeVisible();
  if (js) {
    await expect(page.getByRole('button', { name: 'Copy all' })).toBeVisible();
    await expectAccessible(page);
  }
  await page.goto('/settings/two-factor');
  await expect(page.getByRole('list', { name: 'Recovery codes' })).toHaveCount(0);

  // Sign-in now asks for a code after the password (the next step's code: the confirmation
  // used this one).
  await header.getByRole('button', { name: 'Sign out' }).click();
  await expect(header.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await page.goto('/login?next=/settings/sessions');
  if (js) await waitForHydration(page);
  await page.getByLabel('Username or email').fill(name);
  await page.getByLabel('Password').fill(STRONG);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/login\/two-factor/);
  await expect(header.getByRole('link', { name: 'Sign in' })).toBeVisible();
  if (js) {
    await waitForHydration(page);
    await expectAccessible(page);
  }
  await page.getByLabel('Code', { exact: true }).fill('123456');
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page.getByText('That code is not valid.')).toBeVisible();
  await page.getByLabel('Code', { exact: true }).fill(totp(secret, 30));
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page).toHaveURL('/settings/sessions');
  await expect(header).toContainText(`Signed in as ${name}`);

  // A recovery code works once.
  await header.getByRole('button', { name: 'Sign out' }).click();
  await expect(header.getByRole('link', { name: 'Sign in' })).toBeVisible();
  for (const attempt of ['works', 'spent']) {
    await page.goto('/login');
    if (js) await waitForHydration(page);
    await page.getByLabel('Username or email').fill(name);
    await page.getByLabel('Password').fill(STRONG);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page).toHaveURL(/\/login\/two-factor/);
    if (js) await waitForHydration(page);
    await page.getByLabel('Code', { exact: true }).fill(recovery[0].toUpperCase());
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    if (attempt === 'works') {
      await expect(header).toContainText(`Signed in as ${name}`);
      await header.getByRole('button', { name: 'Sign out' }).click();
      await expect(header.getByRole('link', { name: 'Sign in' })).toBeVisible();
    } else {
      await expect(page.getByText('That code is not valid.')).toBeVisible();
    }
  }
  await page.getByLabel('Code', { exact: true }).fill(recovery[1]);
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(header).toContainText(`Signed in as ${name}`);

  // New recovery codes, then off with the password.
  await page.goto('/settings/two-factor');
  if (js) await waitForHydration(page);
  await expect(page.getByText('8 of 10 recovery codes left.')).toBeVisible();
  await page.getByLabel('Code', { exact: true }).fill(recovery[2]);
  await page.getByRole('button', { name: 'Generate new recovery codes' }).click();
  await expect(page.getByRole('list', { name: 'Recovery codes' }).locator('li')).toHaveCount(10);
  await expect(page.getByText('10 of 10 recovery codes left.')).toBeVisible();
  await page.getByLabel('Password').fill('not my password, sorry');
  await page.getByRole('button', { name: 'Turn off two-factor' }).click();
  await expect(page.getByText('That is not your current password.')).toBeVisible();
  // An organization of theirs requires two-factor: the page names it and asks them to accept
  // being blocked there before turning it off (the browser refuses the unticked form).
  const org = `${name}-org`;
  const created = await page.request.post('/api/v1/organizations', { headers: origin(), data: { name: org } });
  expect(created.status(), await created.text()).toBe(201);
  const policy = await page.request.patch(`/api/v1/organizations/${org}`, {
    headers: origin(),
    data: { require_two_factor: true },
  });
  expect(policy.status(), await policy.text()).toBe(200);
  await page.goto('/settings/two-factor');
  if (js) await waitForHydration(page);
  await expect(page.getByText(`${org} requires two-factor authentication.`)).toBeVisible();
  const accept = page.getByLabel('Turn it off anyway and be blocked in these organizations');
  await page.getByLabel('Password').fill(STRONG);
  await page.getByRole('button', { name: 'Turn off two-factor' }).click();
  expect(await accept.evaluate((e: HTMLInputElement) => e.validity.valueMissing)).toBe(true);
  await expect(page.getByText('10 of 10 recovery codes left.')).toBeVisible();
  if (js) await expectAccessible(page);
  await accept.check();
  await page.getByRole('button', { name: 'Turn off two-factor' }).click();
  await expect(page.getByRole('button', { name: 'Set up two-factor authentication' })).toBeVisible();
  await page.goto(`/orgs/${org}`);
  await expect(page.getByText('This organization requires two-factor authentication')).toBeVisible();
  // The wrong codes and password above answer 4xx, which Chromium logs; nothing else may.
  expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
});
