import { test, expect } from '@playwright/test';
import { createOrg, expectAccessible, jsEnabled, signUp, waitForHydration, watchConsole } from './support';


test('a custom role from the catalog, viewed and edited', async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const p = `${testInfo.project.name}-${testInfo.repeatEachIndex}`;
  const owner = `${p}-rho`;
  const org = `${p}-roles`;
  const visit = async (path: string) => {
    await page.goto(path);
    if (js) await waitForHydration(page);
  };
  await signUp(page, owner);
  await createOrg(page, org);

  await visit(`/orgs/${org}/roles`);
  await expect(page.locator('tbody tr', { hasText: 'Viewer' })).toContainText('built-in');
  if (js) await expectAccessible(page);
  await page.getByRole('link', { name: 'Viewer' }).click();
  await expect(page.getByText('built-in, read-only')).toBeVisible();
  await expect(page.getByText('See members')).toBeVisible();

  await visit(`/orgs/${org}/roles/new`);
  await page.getByLabel('Name', { exact: true }).fill('auditor');
  await page.getByLabel('Title').fill('Auditor');
  if (js) {
    // The search narrows the list; an implied permission ticks and locks itself.
    await page.getByLabel('Find a permission').fill('audit');
    await expect(page.locator('#perm-members-read')).toBeHidden();
    await page.getByLabel('Find a permission').fill('');
    await page.locator('#perm-groups-manage').check();
    await expect(page.locator('#perm-groups-read')).toBeChecked();
    await expect(page.locator('#perm-groups-read')).toBeDisabled();
    await expect(page.getByRole('status').filter({ hasText: 'permissions selected' })).toContainText('1 ticked');
    await page.locator('#perm-groups-manage').uncheck();
    await expectAccessible(page);
  }
  await page.locator('#perm-audit-read').check();
  await page.getByRole('button', { name: 'Save role' }).click();
  await expect(page).toHaveURL(`/orgs/${org}/roles/auditor?saved=1`);
  await expect(page.getByText('The role was saved.')).toBeVisible();
  await expect(page.locator('#perm-audit-read')).toBeChecked();
  if (js) {
    await waitForHydration(page);
    await page.getByRole('button', { name: 'Preview changes' }).click();
    await expect(page.getByText("Nobody's permissions would change.")).toBeVisible();
  }
  await page.getByRole('link', { name: 'Delete role…' }).click();
  await expect(page.getByText('Nobody holds it.')).toBeVisible();
  await page.getByRole('button', { name: 'Delete role' }).click();
  await expect(page).toHaveURL(`/orgs/${org}/roles`);
  await expect(page.locator('tbody')).not.toContainText('Auditor');
  expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
});
