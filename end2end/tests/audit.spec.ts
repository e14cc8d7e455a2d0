import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import { createOrg, expectAccessible, jsEnabled, signUp, waitForHydration, watchConsole } from './support';


test('an owner filters the audit log and downloads it as CSV', async ({ page }, testInfo) => {
  const js = jsEnabled(testInfo);
  const errors = watchConsole(page);
  const p = `${testInfo.project.name}-${testInfo.repeatEachIndex}`;
  const owner = `${p}-aud`;
  const org = `${p}-audit`;
  const visit = async (path: string) => {
    await page.goto(path);
    if (js) await waitForHydration(page);
  };
  await signUp(page, owner);
  await createOrg(page, org);
  await visit(`/orgs/${org}/people?tab=groups`);
  await page.getByLabel('Name', { exact: true }).fill('auditors');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page).toHaveURL(`/orgs/${org}/groups/auditors`);

  await visit(`/orgs/${org}`);
  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page).toHaveURL(`/orgs/${org}/audit`);
  const rows = page.locator('tbody tr');
  await expect(rows.first()).toContainText('group.created');
  await expect(page.locator('tbody')).toContainText('org.created');
  if (js) {
    await waitForHydration(page);
    await expectAccessible(page);
  }

  // Filter by action: only the group's event is left.
  await page.getByLabel('Action').fill('group');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/action=group/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('group:auditors');
  await expect(rows.first()).toContainText(owner);

  // The CSV holds what is filtered.
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`audit-${org}.csv`);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  const lines = csv.trim().split('\n');
  expect(lines[0]).toBe('id,at,actor,ip,action,target,detail');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain('"group.created"');
  expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
});
