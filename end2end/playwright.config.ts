import { defineConfig } from '@playwright/test';
import * as path from 'node:path';

// The test command (scripts/test.sh) builds the server with cargo-leptos in the same Cargo
// profile as `cargo test` and passes the binary here; Playwright starts it on a free port with
// an in-memory database, so every run starts from an empty instance.
const port = Number(process.env.GATEHOUSE_E2E_PORT ?? 3917);
// `localhost`, not an IP address: browsers accept passkeys only for a host name.
const baseURL = `http://localhost:${port}`;
const oidcPort = Number(process.env.GATEHOUSE_E2E_OIDC_PORT ?? 3918);
const oidcIssuer = `http://127.0.0.1:${oidcPort}`;
process.env.GATEHOUSE_E2E_OIDC_ISSUER = oidcIssuer;
const repoRoot = path.resolve(__dirname, '..');
const binary = process.env.GATEHOUSE_BIN;
if (!binary) {
  throw new Error('GATEHOUSE_BIN must name the gatehouse binary (scripts/test.sh sets it)');
}

export default defineConfig({
  testDir: './tests',
  // Whole journeys (several accounts, each sign-up hashing a password with argon2 on a
  // 2-core machine) take 20-30 s; the limit leaves room for a busy machine.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    headless: true,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'js', use: { javaScriptEnabled: true } },
    { name: 'no-js', use: { javaScriptEnabled: false } },
  ],
  webServer: [{
    // A fresh database with one site administrator (see serve.sh), then the server.
    command: path.join(__dirname, 'serve.sh'),
    cwd: repoRoot,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      GATEHOUSE_BIN: binary,
      E2E_ADMIN_PASSWORD: 'e2e root passphrase violet',
      // Links and the single sign-on redirect URL name the address the browser uses.
      GATEHOUSE_PUBLIC_URL: baseURL,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? path.join(repoRoot, 'target', 'site'),
      RUST_LOG: process.env.RUST_LOG ?? 'warn',
    },
  }, {
    // A real OpenID Connect provider (npm `oidc-provider`, see oidc/provider.mjs).
    command: `node ${path.join(__dirname, 'oidc', 'provider.mjs')}`,
    url: `${oidcIssuer}/.well-known/openid-configuration`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: { OIDC_PORT: String(oidcPort) },
  }],
});
