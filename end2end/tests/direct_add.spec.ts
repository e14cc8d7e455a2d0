import { test, expect, request as playwrightRequest } from '@playwright/test';
import { createOrg, expectAccessible, jsEnabled, origin, signUp, STRONG, verifyEmail, waitForHydration, watchConsole } from './support';

test('an owner adds two existing users directly with a role', async ({ page, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const p = `${testInfo.project.name}-${testInfo.repeatEachIndex}`;
  const owner = `${p}-dora`;
  const org = `${p}-direct`;
  const people = [`${p}-bea`, `${p}-cyd`];
  const visit = async (path: string) => {
    await page.goto(path);
    if (js) await waitForHydration(page);
  };

  // Two people who already have accounts.
  const api = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: origin() });
  for (const name of people) {
    const res = await api.post('/api/v1/auth/signup', {
      data: { username: name, email: `${name}@example.org`, password: STRONG },
    });
    expect(res.status(), await res.text()).toBe(201);
    // Only accounts with a verified address can be added directly.
    await verifyEmail(baseURL!, `${name}@example.org`);
  }
  await api.dispose();

  await signUp(page, owner);
  await createOrg(page, org);

  // By default the organization invites by email; its owner switches direct adding on.
  await visit(`/orgs/${org}/people?tab=invitations`);
  await expect(page.getByRole('heading', { name: 'Add people who already have an account' })).toHaveCount(0);
  await visit(`/orgs/${org}/settings`);
  await page.getByRole('button', { name: 'Allow adding existing accounts' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();

  await visit(`/orgs/${org}/people?tab=invitations`);
  await expect(page.getByRole('heading', { name: 'Add people who already have an account' })).toBeVisible();
  if (js) await expectAccessible(page);
  const search = page.getByLabel('Find by email address');

  // A partial name reveals nobody.
  await search.fill(people[0]);
  if (!js) await page.getByRole('button', { name: 'Find' }).click();
  await expect(page.getByText('No account matches')).toBeVisible();

  if (js) {
    // With JavaScript: find one, tick, find the next, tick, add both at once.
    for (const name of people) {
      await search.fill(`${name}@example.org`);
      await page.getByRole('checkbox', { name: new RegExp(`${name}@example.org`) }).check();
      await expect(search).toHaveValue('');
    }
    await expect(page.getByRole('group', { name: 'People to add' }).getByRole('checkbox', { checked: true })).toHaveCount(2);
    await page.getByLabel('Their role').selectOption('editor');
    await page.getByRole('button', { name: 'Add to the organization' }).click();
    await expect(page.getByText(`Added ${people[0]}, ${people[1]}.`)).toBeVisible();
  } else {
    // Without JavaScript: each search is a page; tick and add from it.
    for (const name of people) {
      await visit(`/orgs/${org}/people?tab=invitations`);
      await page.getByLabel('Find by email address').fill(`${name}@example.org`);
      await page.getByRole('button', { name: 'Find' }).click();
      await page.getByRole('checkbox', { name: new RegExp(`${name}@example.org`) }).check();
      await page.getByLabel('Their role').selectOption('editor');
      await page.getByRole('button', { name: 'Add to the organization' }).click();
      await expect(page.getByText('Added 1 people')).toBeVisible();
    }
  }

  // Both are members with the role.
  await visit(`/orgs/${org}/people`);
  for (const name of people) {
    await expect(page.getByRole('row', { name: new RegExp(name) })).toBeVisible();
  }
  const members = await page.request.get(`/api/v1/organizations/${org}/members`);
  const roles = Object.fromEntries(
    ((await members.json()).items as { user: { username: string }; role: string }[]).map((m) => [m.user.username, m.role]),
  );
  expect(roles).toEqual({ [owner]: 'owner', [people[0]]: 'editor', [people[1]]: 'editor' });
  expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
});
