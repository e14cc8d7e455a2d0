import { test, expect, type APIRequestContext, type Page } from '@playwright/test';
import { createOrg, expectAccessible, jsEnabled, signUp, STRONG, verifyEmail, waitForHydration, watchConsole } from './support';


/** Signs a person up (and verifies their address, as accepting an invitation needs) and in
 * through the API of `request`'s browser context. */
async function account(request: APIRequestContext, baseURL: string, name: string) {
  const headers = { Origin: baseURL };
  const signup = await request.post('/api/v1/auth/signup', {
    headers,
    data: { username: name, email: `${name}@example.org`, password: STRONG },
  });
  expect(signup.status(), await signup.text()).toBe(201);
  await verifyEmail(baseURL, `${name}@example.org`);
  const login = await request.post('/api/v1/auth/login', { headers, data: { login: name, password: STRONG } });
  expect(login.status()).toBe(200);
}

/** `owner` (whose cookies `ownerRequest` carries) invites `name` as `role`; `name` accepts. */
async function join(
  ownerRequest: APIRequestContext,
  memberRequest: APIRequestContext,
  baseURL: string,
  org: string,
  name: string,
  role: string,
) {
  const headers = { Origin: baseURL };
  const invited = await ownerRequest.post(`/api/v1/organizations/${org}/invitations`, {
    headers,
    data: { email: `${name}@example.org`, role },
  });
  expect(invited.status(), await invited.text()).toBe(201);
  const token = (await invited.json()).accept_url.split('/').pop();
  const accepted = await memberRequest.post(`/api/v1/invitations/${token}/accept`, { headers });
  expect(accepted.status(), await accepted.text()).toBe(200);
}

async function ownerWithOrg(page: Page, js: boolean, owner: string, org: string) {
  await signUp(page, owner);
  await createOrg(page, org);
}

test('a custom role given to a group: its member gets exactly the new abilities', async ({ page, browser, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const p = `${testInfo.project.name}-${testInfo.repeatEachIndex}`;
  const owner = `${p}-own`;
  const org = `${p}-rbac`;
  const mia = `${p}-mia`;
  const visit = async (path: string) => {
    await page.goto(path);
    if (js) await waitForHydration(page);
  };
  await ownerWithOrg(page, js, owner, org);
  const miaContext = await browser.newContext({ javaScriptEnabled: js, baseURL });
  const miaPage = await miaContext.newPage();
  await account(miaContext.request, baseURL!, mia);
  await join(page.request, miaContext.request, baseURL!, org, mia, 'viewer');

  // Before: a Viewer sees no invitations.
  await miaPage.goto(`/orgs/${org}/people`);
  await expect(miaPage.getByRole('navigation', { name: 'People' })).not.toContainText('Invitations');

  // A group with mia in it, no role yet.
  await visit(`/orgs/${org}/people?tab=groups`);
  await page.getByLabel('Name', { exact: true }).fill('recruiters');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page).toHaveURL(`/orgs/${org}/groups/recruiters`);
  if (js) await waitForHydration(page);
  await page.getByLabel('Username').fill(mia);
  await page.getByRole('button', { name: 'Add to group' }).click();
  await expect(page.locator('.member-list')).toContainText(mia);

  // The owner builds the role, finding the permission with the search box.
  await visit(`/orgs/${org}/roles/new`);
  await page.getByLabel('Name', { exact: true }).fill('recruiter');
  await page.getByLabel('Title').fill('Recruiter');
  if (js) {
    await page.getByLabel('Find a permission').fill('invite');
    await expect(page.locator('#perm-audit-read')).toBeHidden();
    await expect(page.locator('#perm-members-invite')).toBeVisible();
  }
  await page.locator('#perm-members-invite').check();
  if (js) await expect(page.locator('#perm-members-read')).toBeChecked();
  await page.getByRole('button', { name: 'Save role' }).click();
  await expect(page).toHaveURL(`/orgs/${org}/roles/recruiter?saved=1`);

  // Given to the group.
  await visit(`/orgs/${org}/groups/recruiters`);
  await page.locator('#edit-role').selectOption('recruiter');
  await page.getByRole('button', { name: 'Save group' }).click();
  await expect(page.getByText('The group was saved.')).toBeVisible();
  await expect(page.locator('.facts')).toContainText('recruiter');

  if (js) {
    // Previewing an edit now shows its effect on mia, before anything is saved.
    await visit(`/orgs/${org}/roles/recruiter`);
    await page.locator('#perm-members-remove').check();
    await page.getByRole('button', { name: 'Preview changes' }).click();
    await expect(page.locator('.preview')).toContainText(`${mia} gains members.remove`);
    await expectAccessible(page);
  }

  // mia now sees the invitations, and why; nothing more (no removing members).
  await miaPage.goto(`/orgs/${org}/people`);
  await expect(miaPage.getByRole('navigation', { name: 'People' })).toContainText('Invitations');
  await expect(miaPage.getByRole('link', { name: /^Remove / })).toHaveCount(0);
  await miaPage.goto(`/orgs/${org}/people/${mia}`);
  const invite = miaPage.locator('tr', { hasText: 'members.invite' });
  await expect(invite).toContainText('group recruiters (recruiter)');
  await expect(miaPage.locator('tr', { hasText: 'members.remove' })).toHaveCount(0);
  await miaContext.close();
  expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
});

test('an Admin cannot build a role with org.delete', async ({ page, browser, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const p = `${testInfo.project.name}-${testInfo.repeatEachIndex}`;
  const owner = `${p}-boss`;
  const org = `${p}-guard`;
  const adam = `${p}-adam`;
  await ownerWithOrg(page, js, owner, org);
  const adamContext = await browser.newContext({ javaScriptEnabled: js, baseURL });
  await account(adamContext.request, baseURL!, adam);
  await join(page.request, adamContext.request, baseURL!, org, adam, 'admin');
  const adamPage = await adamContext.newPage();
  await adamPage.goto(`/orgs/${org}/roles/new`);
  if (js) await waitForHydration(adamPage);
  // The editor marks what he does not hold and will not let him tick it...
  const orgDelete = adamPage.locator('#perm-org-delete');
  await expect(orgDelete).toBeDisabled();
  await expect(adamPage.locator('.permission-option', { has: orgDelete })).toContainText('you do not hold this');
  // ...and a forged submission is refused by the server with a clear message.
  await adamPage.getByLabel('Name', { exact: true }).fill('wrecker');
  await orgDelete.evaluate((el: HTMLInputElement) => {
    el.disabled = false;
    el.checked = true;
  });
  if (js) {
    // The hydrated form submits its signal state; forge the request the way a script would.
    const res = await adamContext.request.post(`/api/v1/organizations/${org}/roles`, {
      headers: { Origin: baseURL! },
      data: { name: 'wrecker', permissions: ['org.delete'] },
    });
    expect(res.status()).toBe(403);
    expect((await res.json()).error.message).toBe('A role cannot carry permissions you do not hold yourself.');
  } else {
    await adamPage.getByRole('button', { name: 'Save role' }).click();
    await expect(adamPage.getByText('A role cannot carry permissions you do not hold yourself.')).toBeVisible();
  }
  await adamContext.close();
});

test('a project transfer unblocks a member removal', async ({ page, browser, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const p = `${testInfo.project.name}-${testInfo.repeatEachIndex}`;
  const owner = `${p}-pia`;
  const org = `${p}-proj`;
  const bob = `${p}-bob`;
  const visit = async (path: string) => {
    await page.goto(path);
    if (js) await waitForHydration(page);
  };
  await ownerWithOrg(page, js, owner, org);
  const bobContext = await browser.newContext({ baseURL });
  await account(bobContext.request, baseURL!, bob);
  await join(page.request, bobContext.request, baseURL!, org, bob, 'editor');
  // bob creates a project (and owns it).
  const created = await bobContext.request.post(`/api/v1/organizations/${org}/projects`, {
    headers: { Origin: baseURL! },
    data: { name: 'website', description: 'The public site' },
  });
  expect(created.status()).toBe(201);
  await bobContext.close();

  await visit(`/orgs/${org}/projects`);
  await expect(page.locator('tbody tr', { hasText: 'website' })).toContainText(bob);
  if (js) await expectAccessible(page);
  await page.getByRole('link', { name: 'website' }).click();
  await expect(page.locator('.facts')).toContainText(bob);
  if (js) {
    await waitForHydration(page);
    await expectAccessible(page);
  }

  // Removing bob: the dialog says which project blocks it, and refuses.
  await visit(`/orgs/${org}/people`);
  await page.getByRole('link', { name: `Remove ${bob}` }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText(`${bob} owns 1 project(s): website`);
  if (js) await expectAccessible(page);
  await dialog.getByRole('button', { name: `Remove ${bob}` }).click();
  await expect(page.getByText('This member owns projects. Transfer them to someone else first.')).toBeVisible();

  // The transfer, from the dialog itself, lifts the block.
  if (!js) await page.goto(`/orgs/${org}/people?tab=members&remove=${bob}`);
  await page.getByLabel('New owner of website').fill(owner);
  await page.getByRole('button', { name: 'Transfer website' }).click();
  await expect(page.getByRole('alertdialog')).not.toContainText('owns 1 project');
  await page.getByRole('alertdialog').getByRole('button', { name: `Remove ${bob}` }).click();
  await expect(page.locator('tbody')).not.toContainText(`${bob}@example.org`);
  await visit(`/orgs/${org}/projects/website`);
  await expect(page.locator('.facts')).toContainText(owner);
  expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
});

test('the group page and the invitation form offer an Admin nothing beyond Admin', async ({ page, browser, baseURL }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const p = `${testInfo.project.name}-${testInfo.repeatEachIndex}`;
  const owner = `${p}-chief`;
  const org = `${p}-doors`;
  const adam = `${p}-adm`;
  await ownerWithOrg(page, js, owner, org);
  const headers = { Origin: baseURL! };
  for (const [name, role] of [['bosses', 'owner'], ['helpers', 'viewer']]) {
    const res = await page.request.post(`/api/v1/organizations/${org}/groups`, { headers, data: { name, role } });
    expect(res.status(), await res.text()).toBe(201);
  }
  const adamContext = await browser.newContext({ javaScriptEnabled: js, baseURL });
  await account(adamContext.request, baseURL!, adam);
  await join(page.request, adamContext.request, baseURL!, org, adam, 'admin');
  const adamPage = await adamContext.newPage();

  // The Owner-role group: no add, remove, edit or token controls, and a note why.
  await adamPage.goto(`/orgs/${org}/groups/bosses`);
  if (js) await waitForHydration(adamPage);
  await expect(adamPage.getByText('carries permissions you do not hold')).toBeVisible();
  await expect(adamPage.getByRole('button', { name: 'Add to group' })).toHaveCount(0);
  await expect(adamPage.getByRole('button', { name: 'Save group' })).toHaveCount(0);
  if (js) await expectAccessible(adamPage);
  // A group within reach keeps them.
  await adamPage.goto(`/orgs/${org}/groups/helpers`);
  if (js) await waitForHydration(adamPage);
  await expect(adamPage.getByRole('button', { name: 'Add to group' })).toBeVisible();

  // The invitation form: no Owner role, no Owner-role group.
  await adamPage.goto(`/orgs/${org}/people?tab=invitations`);
  if (js) await waitForHydration(adamPage);
  const roles = adamPage.getByLabel('Role', { exact: true });
  // By value: the descriptions mention owners ("… managing owners").
  await expect(roles.locator('option[value="admin"]')).toHaveCount(1);
  await expect(roles.locator('option[value="owner"]')).toHaveCount(0);
  await expect(adamPage.getByLabel('helpers')).toBeVisible();
  await expect(adamPage.getByLabel('bosses')).toHaveCount(0);
  if (js) await expectAccessible(adamPage);

  // A forged request is refused all the same.
  const res = await adamContext.request.put(`/api/v1/organizations/${org}/groups/bosses/members/${adam}`, { headers });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.code).toBe('forbidden');
  await adamContext.close();
  expect(errors).toEqual([]);
});
