// What the first page of a route transfers, as Chromium loads it: every response until the
// page has hydrated (its `.app[data-hydrated=true]`), its bytes on the wire (after
// compression) summed, the WebAssembly and JavaScript apart.
//
//   node end2end/bench/first-page.mjs <base URL> <session secret or -> <path>...
//
// Prints one JSON object per path. Run by gatehouse-bench (`scripts/bench.sh serve`).
import { chromium } from '@playwright/test';

const [base, session, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  for (const path of paths) {
    const context = await browser.newContext({
      // Ask for brotli as browsers do over https (Chromium offers it only there).
      extraHTTPHeaders: { 'Accept-Encoding': 'br, gzip' },
    });
    if (session !== '-') {
      await context.addCookies([{ name: 'gatehouse_session', value: session, url: base }]);
    }
    const page = await context.newPage();
    const responses = [];
    page.on('response', (response) => responses.push(response));
    await page.goto(base + path);
    await page.locator('.app[data-hydrated="true"]').waitFor({ timeout: 30000 });
    let total = 0;
    let code = 0;
    const files = [];
    const encodings = new Set();
    for (const response of responses) {
      const sizes = await response.request().sizes();
      const url = new URL(response.url()).pathname;
      const bytes = sizes.responseBodySize;
      total += bytes;
      if (/\.(wasm|js)$/.test(url)) {
        code += bytes;
        files.push(`${url.split('/').pop()} ${bytes}`);
      }
      const encoding = (await response.allHeaders())['content-encoding'];
      if (encoding) encodings.add(encoding);
    }
    console.log(JSON.stringify({ path, title: await page.title(), total, code, encodings: [...encodings], files }));
    await context.close();
  }
} finally {
  await browser.close();
}
