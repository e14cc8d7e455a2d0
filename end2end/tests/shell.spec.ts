import { test, expect } from '@playwright/test';
import { expectAccessible, jsEnabled, waitForHydration, watchConsole } from './support';

test.describe('app shell', () => {
  test('home page renders the layout and the instance status', async ({ page }, testInfo) => {
    const errors = watchConsole(page);
    const response = await page.goto('/');
    expect(response?.status()).toBe(200);
    await expect(page).toHaveTitle('Gatehouse');
    await expect(page.getByRole('banner').getByRole('link', { name: 'Gatehouse' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toHaveText('Gatehouse');
    await expect(page.getByRole('contentinfo')).toContainText('Gatehouse');
    // The status comes from the database through a server function, rendered on the server.
    const status = page.getByRole('region', { name: 'Instance status' });
    await expect(status.getByText('Answering')).toBeVisible();
    await expect(status.getByText('Schema version')).toBeVisible();
    if (jsEnabled(testInfo)) {
      await waitForHydration(page);
      await expectAccessible(page);
      expect(errors).toEqual([]);
    }
  });

  test('unknown page shows a 404 with a way back', async ({ page }, testInfo) => {
    const errors = watchConsole(page);
    const response = await page.goto('/no/such/page');
    expect(response?.status()).toBe(404);
    await expect(page).toHaveTitle('Page not found · Gatehouse');
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await page.getByRole('link', { name: 'Back to the home page' }).click();
    await expect(page).toHaveURL('/');
    await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toHaveText('Gatehouse');
    if (jsEnabled(testInfo)) {
      await page.goto('/no/such/page');
      await waitForHydration(page);
      await expectAccessible(page);
      // The 404 itself is reported by the browser for the document; nothing else may fail.
      expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
    }
  });

  test('the stylesheet and favicon are served', async ({ request }) => {
    const home = await request.get('/');
    const html = await home.text();
    const css = html.match(/href="(\/pkg\/gatehouse[^"]*\.css)"/);
    expect(css, 'the page links the stylesheet').not.toBeNull();
    const sheet = await request.get(css![1], { headers: { 'Accept-Encoding': 'gzip, br' } });
    expect(sheet.status()).toBe(200);
    expect(await sheet.text()).toContain('prefers-color-scheme');
    // Hashed asset names never change content: cached for a year, and sent compressed.
    expect(css![1]).toMatch(/gatehouse\.[A-Za-z0-9_-]+\.css$/);
    expect(sheet.headers()['cache-control']).toContain('immutable');
    expect(['gzip', 'br']).toContain(sheet.headers()['content-encoding']);
    const icon = await request.get('/favicon.svg');
    expect(icon.status()).toBe(200);
  });
});

test.describe('narrow screens', () => {
  test.use({ viewport: { width: 390, height: 800 } });

  test('navigation folds behind a Menu button once hydrated', async ({ page }, testInfo) => {
    await page.goto('/');
    const nav = page.getByRole('navigation', { name: 'Main' });
    const toggle = page.getByRole('button', { name: 'Menu' });
    if (!jsEnabled(testInfo)) {
      // Without JavaScript the navigation is simply shown.
      await expect(nav.getByRole('link', { name: 'Home' })).toBeVisible();
      await expect(toggle).toBeHidden();
      return;
    }
    await waitForHydration(page);
    await expect(toggle).toBeVisible();
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(nav).toBeHidden();
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await expect(nav.getByRole('link', { name: 'Home' })).toBeVisible();
    await toggle.press('Enter');
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expectAccessible(page);
  });
});
