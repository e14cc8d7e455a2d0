import { test, expect, type Page } from '@playwright/test';
import { expectAccessible, jsEnabled, STRONG, waitForHydration, watchConsole } from './support';

/** Signs up through the form, as a new person does (the other journeys use the API). */
async function signUpThroughTheForm(page: Page, name: string, js: boolean) {
  await page.goto('/signup');
  if (js) await waitForHydration(page);
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Email').fill(`${name}@example.org`);
  await page.getByLabel('Password').fill(STRONG);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('banner')).toContainText(`Signed in as ${name}`);
}

async function signOut(page: Page) {
  const header = page.getByRole('banner');
  await header.getByRole('button', { name: 'Sign out' }).click();
  await expect(header.getByRole('link', { name: 'Sign in' })).toBeVisible();
}

test('create an organization, a group, invite someone who signs up through the link', async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const p = testInfo.project.name;
  const owner = `${p}-olga`;
  const guest = `${p}-gus`;
  const org = `${p}-acme`;
  const visit = async (path: string) => {
    await page.goto(path);
    if (js) await waitForHydration(page);
  };

  await signUpThroughTheForm(page, owner, js);
  // The header's switcher leads to a new organization.
  await page.getByRole('banner').getByText('Organizations').click();
  await page.getByRole('link', { name: '+ New organization' }).click();
  await expect(page).toHaveURL('/orgs/new');
  if (js) await waitForHydration(page);
  await page.getByLabel('Name', { exact: true }).fill(org);
  await page.getByLabel('Display name (optional)').fill('Acme Rockets');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page).toHaveURL(`/orgs/${org}`);
  await expect(page.getByRole('heading', { name: 'Acme Rockets' })).toBeVisible();
  await expect(page.getByText('your role:')).toBeVisible();
  if (js) await expectAccessible(page);

  // A group whose members get the Editor role.
  await visit(`/orgs/${org}/people?tab=groups`);
  await expect(page.getByText('No groups yet.')).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('devs');
  await page.getByLabel('Role its members get').selectOption('editor');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page).toHaveURL(`/orgs/${org}/groups/devs`);
  await expect(page.getByText('Nobody is in this group yet.')).toBeVisible();
  if (js) await expectAccessible(page);

  // Invite the guest as a viewer, into the group.
  await visit(`/orgs/${org}/people?tab=invitations`);
  await page.getByLabel('Email').fill(`${guest}@example.org`);
  await page.getByLabel('Role').selectOption('viewer');
  await page.getByLabel('devs').check();
  await page.getByRole('button', { name: 'Send invitation' }).click();
  const link = page.getByLabel('Invitation link');
  await expect(link).toHaveValue(/\/invitations\/[A-Za-z0-9_-]{43}$/);
  const url = await link.inputValue();
  await expect(page.locator('tbody tr', { hasText: `${guest}@example.org` })).toContainText('devs');
  if (js) await expectAccessible(page);
  await page.getByLabel('Email').fill(`${guest}@example.org`);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText('already has a pending invitation')).toBeVisible();

  // The guest signs up through the link and lands in the organization.
  await signOut(page);
  await visit(new URL(url).pathname);
  await expect(page.getByText('to join')).toContainText('Acme Rockets');
  if (js) await expectAccessible(page);
  await page.getByLabel('Username').fill(guest);
  await page.getByLabel('Password').fill(STRONG);
  await page.getByRole('button', { name: 'Create account and join' }).click();
  await expect(page).toHaveURL(`/orgs/${org}?joined=1`);
  await expect(page.getByText('Welcome: you joined this organization.')).toBeVisible();
  await expect(page.getByRole('banner')).toContainText(`Signed in as ${guest}`);
  // A viewer sees no invitation tab, and the group's role shows in what they can do.
  await expect(page.getByRole('link', { name: 'Invite someone' })).toHaveCount(0);
  await expect(page.locator('.permission-list')).toContainText('Create projects');
  await visit(new URL(url).pathname);
  await expect(page.getByText('This invitation is not valid')).toBeVisible();

  // The owner makes the guest an admin, then removes them after confirming.
  await signOut(page);
  await visit('/login');
  await page.getByLabel('Username or email').fill(owner);
  await page.getByLabel('Password').fill(STRONG);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('banner')).toContainText(`Signed in as ${owner}`);
  await visit(`/orgs/${org}/people`);
  const row = page.locator('tbody tr', { hasText: guest });
  await expect(row).toContainText('devs');
  // Why can the guest create projects? Through the devs group's Editor role.
  await row.getByRole('link', { name: guest, exact: true }).click();
  await expect(page).toHaveURL(`/orgs/${org}/people/${guest}`);
  const create = page.locator('tbody tr', { hasText: 'Create projects' });
  await expect(create).toContainText('group devs (editor)');
  await expect(page.locator('tbody tr', { hasText: 'See members' })).toContainText('own role: viewer');
  if (js) {
    await waitForHydration(page);
    await expectAccessible(page);
  }
  await visit(`/orgs/${org}/people`);
  await row.getByLabel(`Role of ${guest}`).selectOption('admin');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('tbody tr', { hasText: guest }).getByLabel(`Role of ${guest}`)).toHaveValue('admin');
  if (js) await expectAccessible(page);
  await page.getByPlaceholder('Search by name or email').fill(guest);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.locator('tbody tr')).toHaveCount(1);
  await page.locator('tbody tr', { hasText: guest }).getByRole('link', { name: `Remove ${guest}` }).click();
  await expect(page.getByText(`Remove ${guest} from the organization?`)).toBeVisible();
  await page.getByRole('button', { name: `Remove ${guest}` }).click();
  await expect(page.locator('tbody tr', { hasText: guest })).toHaveCount(0);

  // A second group: add a member by name, rename it, delete it after confirming.
  await visit(`/orgs/${org}/people?tab=groups`);
  await page.getByLabel('Name', { exact: true }).fill('ops');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page).toHaveURL(`/orgs/${org}/groups/ops`);
  if (js) await waitForHydration(page);
  await page.getByLabel('Username').fill(owner);
  await page.getByRole('button', { name: 'Add to group' }).click();
  await expect(page.locator('.member-list')).toContainText(owner);
  await page.getByLabel('Name', { exact: true }).fill('operations');
  await page.getByRole('button', { name: 'Save group' }).click();
  await expect(page).toHaveURL(`/orgs/${org}/groups/operations?saved=1`);
  await expect(page.getByText('The group was saved.')).toBeVisible();
  if (js) await waitForHydration(page);
  await page.getByRole('link', { name: 'Delete group…' }).click();
  await page.getByRole('button', { name: 'Delete group' }).click();
  await expect(page).toHaveURL(`/orgs/${org}/people?tab=groups`);
  await expect(page.locator('tbody')).not.toContainText('operations');

  // The last owner cannot leave.
  await visit(`/orgs/${org}/settings?leave=1`);
  await page.getByRole('button', { name: 'Leave organization' }).click();
  await expect(page.getByText('An organization needs at least one owner')).toBeVisible();
  await visit('/settings/organizations');
  await expect(page.locator('.org-list')).toContainText('OWNER');
  if (js) await expectAccessible(page);
  expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
});
