/**
 * What keeping rooms on the device (app/lib/local-store.ts, IndexedDB) costs the main thread
 * of a tab showing a busy room: a reader's tab at the bottom of a room receiving 200 messages
 * a second (from Node Socket.IO clients, four guests), for a window of seconds. The
 * renderer's main-thread busy time (CDP `Performance.getMetrics`, TaskDuration) over the
 * window, in three cases: IndexedDB as the app uses it, with 49 more stored rooms of 200
 * messages each (the store's bounds: every batch's eviction check reads them), and with the
 * page's IndexedDB hidden, which sends the local store (and the outbox) to memory: the
 * difference is the device's share. Needs a production build (`npm run build`).
 *
 *   node --import tsx scripts/measure-local-store-cost.ts [seconds] [messages a second]
 *
 * Recorded in docs/performance.md (issue 30).
 */
import { chromium, type Browser, type Page } from "@playwright/test";
import { io, type Socket } from "socket.io-client";
import { v7 as uuidv7 } from "uuid";
import { ServerProcess } from "../e2e/server-process";

const SECONDS = Number(process.argv[2] ?? 10);
const RATE = Number(process.argv[3] ?? 200);
const SENDERS = 4;

async function guest(url: string, name: string): Promise<string> {
  const res = await fetch(`${url}/api/session`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ displayName: name }) });
  if (res.status !== 201) throw new Error(`guest sign-in failed: ${res.status}`);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

function connect(url: string, cookie: string): Promise<Socket> {
  const socket = io(url, { transports: ["websocket"], forceNew: true, extraHeaders: { cookie } });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

/** 49 rooms of 200 messages each, stored for this user as the app stores them. */
function seedRooms(page: Page, userId: string): Promise<void> {
  return page.evaluate(
    async ({ userId }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open("parley-local");
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const tx = db.transaction("rooms", "readwrite");
      const now = Date.now();
      for (let r = 0; r < 49; r++) {
        const room = { id: `seed-${r}`, slug: `seed-${r}`, name: `Seed ${r}`, visibility: "public" };
        const messages = Array.from({ length: 200 }, (_, i) => ({
          id: `m-${r}-${i}`,
          roomId: room.id,
          seq: i + 1,
          clientId: `c-${r}-${i}`,
          author: { id: "someone", name: "Someone" },
          body: `stored message ${i} of a room kept on the device, about as long as a chat message is`,
          createdAt: new Date(now - (200 - i) * 1000).toISOString(),
        }));
        tx.objectStore("rooms").put({ userId, slug: room.slug, room, messages, hasOlder: true, changeCursor: 0, touchedAt: now - 60_000 - r });
      }
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { userId },
  );
}

async function run(browser: Browser, server: ServerProcess, mode: "indexeddb" | "indexeddb, 49 more rooms stored" | "no indexeddb") {
  const context = await browser.newContext({ baseURL: server.url });
  if (mode === "no indexeddb") await context.addInitScript({ content: "Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });" });
  const page = await context.newPage();
  await page.goto("/");
  await page.getByRole("textbox", { name: "Display name" }).fill("Reader");
  await page.getByRole("button", { name: "Continue as guest" }).click();
  await page.getByRole("textbox", { name: "New room name" }).fill(`Busy ${Date.now()}`);
  await page.getByRole("button", { name: "Create room" }).click();
  await page.waitForFunction(() => document.querySelector('[role="log"]')?.getAttribute("aria-busy") === "false");
  const slug = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
  if (mode === "indexeddb, 49 more rooms stored") {
    const me = (await (await page.request.get("/api/session")).json()) as { user: { id: string } };
    await seedRooms(page, me.user.id);
  }

  const senders = await Promise.all(Array.from({ length: SENDERS }, async (_, i) => connect(server.url, await guest(server.url, `Sender ${i}`))));
  let roomId = "";
  for (const s of senders) {
    const ack = (await s.emitWithAck("room:join", { slug })) as { ok: boolean; data: { room: { id: string } } };
    if (!ack.ok) throw new Error("join failed");
    roomId = ack.data.room.id;
  }
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  const busy = async () => (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "TaskDuration")!.value;

  // Warm-up second, then the window.
  let sent = 0;
  const started = performance.now();
  const total = (SECONDS + 1) * RATE;
  let before = 0;
  let t0 = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE));
      for (; sent < due; sent++) senders[sent % SENDERS]!.emit("message:send", { roomId, clientId: uuidv7(), body: `message ${sent} at ${RATE} a second` }, () => {});
      if (sent >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 5);
    setTimeout(() => {
      void busy().then((b) => {
        before = b;
        t0 = performance.now();
      });
    }, 1000);
  });
  await page.locator("article", { hasText: `message ${total - 1} at ${RATE} a second` }).waitFor({ timeout: 60_000 });
  const after = await busy();
  const wall = (performance.now() - t0) / 1000;
  for (const s of senders) s.close();
  await context.close();
  return { mode, busy: (after - before) / wall };
}

const server = new ServerProcess(3670, { LOG_LEVEL: "warn" });
await server.start();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--disable-background-networking", "--no-first-run"] });
try {
  const rows = [];
  for (let round = 0; round < 2; round++) {
    for (const mode of ["no indexeddb", "indexeddb", "indexeddb, 49 more rooms stored"] as const) rows.push(await run(browser, server, mode));
  }
  console.log(`A reader's main thread at ${RATE} messages a second for ${SECONDS} s (two rounds each)\n`);
  console.log("| local store | main thread busy |");
  console.log("| --- | ---: |");
  for (const r of rows) console.log(`| ${r.mode} | ${(r.busy * 100).toFixed(1)} % |`);
} finally {
  await browser.close();
  await server.dispose();
}
