import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, defineConfig } from "@playwright/test";

/**
 * End-to-end tests against the production build served by the real server (`server/index.ts`),
 * on a fresh SQLite database. `npm run test:e2e` builds first.
 *
 * Browser: Playwright's own Chromium when it is installed, else the system's
 * (CHROMIUM_PATH, else Debian's /usr/bin/chromium): Playwright's download is not reachable here.
 */
function chromiumExecutable(): string | undefined {
  try {
    if (fs.existsSync(chromium.executablePath())) return undefined;
  } catch {
    // no Playwright-managed browser
  }
  return process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

const port = Number(process.env.E2E_PORT ?? 3123);
export const baseURL = `http://127.0.0.1:${port}`;
const dataDir = process.env.E2E_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), "parley-e2e-"));
// Workers re-read this file: keep one data folder for the whole run.
process.env.E2E_DATA_DIR = dataDir;

export default defineConfig({
  testDir: "e2e",
  // A test opens two or three browsers against one server on a two-core machine: 15–25 s
  // each here when nothing else runs. On CI the tests run one at a time, without tracing
  // (a trace snapshots the page at every step, for nobody to read there), so that a test
  // competes with its own browsers only; 60 s leaves room for a loaded machine.
  timeout: 60_000,
  expect: { timeout: 7_000 },
  fullyParallel: true,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: process.env.CI ? "off" : "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromiumExecutable(),
      args: [
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    // The compiled server, as `npm start` runs it (test:e2e builds first).
    command: "node --enable-source-maps dist/server.mjs",
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: `file:${path.join(dataDir, "parley.db")}`,
      LOG_LEVEL: "warn",
      // Every test signs up people from 127.0.0.1; the budgets themselves are tested in
      // server/security.integration.test.ts.
      RATE_LIMIT_SCALE: "100",
      // Whichever test signs up first must not become an administrator of every other test's
      // rooms: administrators are the accounts named here (a test that needs one signs up as one).
      FIRST_ACCOUNT_ADMIN: "false",
      ADMIN_USERNAMES: "e2e_admin",
    },
  },
});
