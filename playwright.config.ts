/**
 * End-to-end tests: Playwright drives Debian's Chromium (`apt-get install chromium`; Playwright's
 * own browser download cannot work here) against the real product started by `npm start` on a
 * fresh temporary database and a fixed test port, with the sim provider's latency scaled down.
 */
import { defineConfig, devices } from "@playwright/test";
import { BASE_URL, DATABASE_URL, PORT } from "./e2e/env.js";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/artifacts",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL: BASE_URL,
    viewport: { width: 1440, height: 900 },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1440, height: 900 },
        launchOptions: {
          executablePath: "/usr/bin/chromium",
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
  webServer: {
    command: "npm start",
    url: `${BASE_URL}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    env: {
      DATABASE_URL,
      FLOWTUNE_HOST: "127.0.0.1",
      FLOWTUNE_PORT: String(PORT),
      FLOWTUNE_SIM_LATENCY_SCALE: "0.05",
    },
  },
});
