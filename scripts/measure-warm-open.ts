/**
 * Measures how soon a room's last messages are painted on a warm open (the service worker
 * and the local store hold the room) against a cold one (a new browser profile with the same
 * session), with a server that answers at once and one whose every answer waits 500 ms (a
 * proxy delays what the browser sends). Needs a production build (`npm run build`).
 *
 *   node --import tsx scripts/measure-warm-open.ts [rounds]
 *
 * Prints, per case, the median of `rounds` opens: from navigation start to the last message
 * on screen, when the app's code began to run (its `parley:app-script` mark) and the paint
 * from there (the target: ≤ 100 ms), and from the page's DOMContentLoaded to it.
 * Recorded in docs/performance.md (issue 30).
 */
import { writeFileSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { GateProxy } from "../e2e/gate-proxy";
import { ServerProcess } from "../e2e/server-process";

const ROUNDS = Number(process.argv[2] ?? 5);
const LAST = "message number 30";

/** Milliseconds: the paint from navigation, from DOMContentLoaded and from the app's first line (its performance mark), and when that line ran. */
type Timing = { fromNavigation: number; fromScript: number; fromAppScript: number; appScript: number; shell: number };

async function paintTime(page: Page, path: string, reload: boolean): Promise<Timing> {
  // A string, not a function: tsx names functions with a helper the page does not have.
  // Checked at every frame: the first frame with the message in it is when it was painted.
  await page.addInitScript({
    content: `(() => {
      const seen = () => [...document.querySelectorAll('[role="log"] article')].some((a) => (a.textContent || "").includes(${JSON.stringify(LAST)}));
      const check = () => {
        if (window.__shell === undefined && document.querySelector('[role="status"][aria-label="Connection"]')) window.__shell = performance.now();
        if (seen()) window.__painted = performance.now(); else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    })();`,
  });
  // PROFILE=1: each warm open under the CPU profiler, written to /tmp/warm-<time>.cpuprofile.
  const cdp = reload && process.env.PROFILE ? await page.context().newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
    await cdp.send("Profiler.start");
  }
  if (reload) await page.reload();
  else await page.goto(path);
  await page
    .waitForFunction(() => (window as unknown as { __painted?: number }).__painted !== undefined, undefined, { timeout: 30_000 })
    .catch(async (err: unknown) => {
      await page.screenshot({ path: "/tmp/warm-open-failed.png" });
      throw err;
    });
  if (cdp) {
    const { profile } = await cdp.send("Profiler.stop");
    writeFileSync(`/tmp/warm-${Date.now()}.cpuprofile`, JSON.stringify(profile));
  }
  return page.evaluate(() => {
    const w = window as unknown as { __painted: number; __shell?: number };
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    const script = performance.getEntriesByName("parley:app-script")[0]?.startTime ?? Number.NaN;
    return {
      fromNavigation: w.__painted,
      fromScript: w.__painted - nav.domContentLoadedEventEnd,
      fromAppScript: w.__painted - script,
      appScript: script,
      shell: (w.__shell ?? w.__painted) - nav.domContentLoadedEventEnd,
    };
  });
}

async function measure(browser: Browser, server: ServerProcess, delayMs: number, port: number) {
  const proxy = new GateProxy(server.port, delayMs);
  await proxy.start(port);
  const context = await browser.newContext({ baseURL: proxy.url });
  const page = await context.newPage();
  await page.goto("/");
  await page.getByRole("textbox", { name: "Display name" }).fill(`Timer ${delayMs}`);
  await page.getByRole("button", { name: "Continue as guest" }).click();
  await page.getByRole("textbox", { name: "New room name" }).fill(`Warm ${delayMs}`);
  await page.getByRole("button", { name: "Create room" }).click();
  await page.getByRole("log", { name: "Messages" }).waitFor();
  await page.waitForFunction(() => document.querySelector('[role="log"]')?.getAttribute("aria-busy") === "false");
  const composer = page.getByRole("textbox", { name: "Message" });
  for (let i = 1; i <= 30; i++) {
    await composer.fill(`message number ${i}`);
    await composer.press("Enter");
  }
  await page.locator('article[data-status="sent"]', { hasText: LAST }).waitFor({ timeout: 60_000 });
  const path = new URL(page.url()).pathname;
  // Kept on the device: the worker controls the page, the page is cached, the room stored.
  await page.waitForFunction(async (p) => {
    if (!navigator.serviceWorker.controller) return false;
    for (const name of await caches.keys()) if (name.startsWith("parley-pages-") && (await (await caches.open(name)).match(p))) return true;
    return false;
  }, path, { timeout: 30_000, polling: 500 });
  await page.waitForTimeout(1500); // the local store's batch (one write a second)

  const warm: Timing[] = [];
  const cold: typeof warm = [];
  const session = await context.storageState();
  for (let r = 0; r < ROUNDS; r++) {
    warm.push(await paintTime(page, path, true));
    // Cold: a new profile with the same session cookie: no worker, nothing stored.
    const fresh: BrowserContext = await browser.newContext({ baseURL: proxy.url, storageState: { cookies: session.cookies, origins: [] } });
    cold.push(await paintTime(await fresh.newPage(), path, false));
    await fresh.close();
  }
  await context.close();
  await proxy.close();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const row = (name: string, xs: typeof warm) =>
    `| ${delayMs} ms | ${name} | ${Math.round(median(xs.map((x) => x.fromNavigation)))} ms | ${Math.round(median(xs.map((x) => x.appScript)))} ms | ${Math.round(median(xs.map((x) => x.fromAppScript)))} ms | ${Math.round(median(xs.map((x) => x.fromScript)))} ms | ${Math.round(median(xs.map((x) => x.shell)))} ms |`;
  return [row("warm", warm), row("cold", cold)];
}

const server = new ServerProcess(3660, { LOG_LEVEL: "warn" });
await server.start();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
});
try {
  const rows = [...(await measure(browser, server, 0, 3661)), ...(await measure(browser, server, 500, 3662))];
  console.log(`Median of ${ROUNDS} opens each: the room's last message on screen\n`);
  console.log("| server delay | open | from navigation | the app's script ran at | from the app's script | from DOMContentLoaded | the room's header, from DOMContentLoaded |");
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const r of rows) console.log(r);
} finally {
  await browser.close();
  await server.dispose();
}
