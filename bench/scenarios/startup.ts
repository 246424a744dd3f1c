import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Row } from "../lib/report";
import { BenchServer } from "../lib/targets";
import { freePort } from "../../server/test/node-process";

/** `npm start` (the compiled server) on an empty data folder (the first start migrates): spawn to /healthz 200. */
async function coldStart(): Promise<{ ms: number; url: string; stop: () => void }> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-bench-start-"));
  const started = performance.now();
  const child = spawn(process.execPath, ["--enable-source-maps", "dist/server.mjs"], {
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: `file:${path.join(dataDir, "parley.db")}`, LOG_LEVEL: "error" },
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error("the server exited during start-up");
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { ms: performance.now() - started, url, stop: () => child.kill("SIGKILL") };
}

/**
 * The JavaScript a first visit to a room page downloads: every script the HTML names, raw
 * and gzipped. A `nomodule` script (Next's polyfills for browsers without ES modules, 39 KiB)
 * is not counted: a browser that runs modules, every browser Parley supports, never fetches it.
 */
export async function firstLoadJs(url: string) {
  const html = await (await fetch(`${url}/r/general`)).text();
  const tags = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]).filter((tag) => !/\snomodule\b/i.test(tag));
  const srcs = [...new Set(tags.map((tag) => /\ssrc="([^"]+\.js[^"]*)"/.exec(tag)?.[1]).filter((src): src is string => src !== undefined))];
  let raw = 0;
  let gzip = 0;
  for (const src of srcs) {
    const body = Buffer.from(await (await fetch(new URL(src, url))).arrayBuffer());
    raw += body.length;
    gzip += gzipSync(body).length;
  }
  return { raw, gzip, files: srcs.length };
}

/** Issue 30: the room page's first load, gzipped, what a browser that runs modules downloads. */
const FIRST_LOAD_TARGET_KIB = 200;

export async function startup(_smoke: boolean): Promise<Row[]> {
  const s = "start-up";
  if (!fs.existsSync(".next/BUILD_ID") || !fs.existsSync("dist/server.mjs")) {
    console.error("    no production build: run `npm run build` first; start-up is not measured");
    return [{ scenario: s, metric: "cold start to /healthz (needs npm run build)", unit: "ms", parley: NaN }];
  }
  const baseline = new BenchServer("baseline");
  const baselineMs = await baseline.start();
  await baseline.stop();
  const parley = await coldStart();
  const js = await firstLoadJs(parley.url);
  parley.stop();
  return [
    { scenario: s, metric: "cold start to ready (/healthz)", unit: "ms", parley: parley.ms, baseline: baselineMs },
    {
      scenario: s,
      metric: `room page first-load JS (${js.files} files), gzipped`,
      unit: "KiB",
      parley: js.gzip / 1024,
      target: { text: `≤ ${FIRST_LOAD_TARGET_KIB} KiB`, met: js.gzip / 1024 <= FIRST_LOAD_TARGET_KIB },
    },
    { scenario: s, metric: "room page first-load JS, raw", unit: "KiB", parley: js.raw / 1024 },
  ];
}
