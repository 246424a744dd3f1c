import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveServiceWorker } from "./service-worker";

describe("GET /sw.js", () => {
  let root: string;
  let server: http.Server;
  let url: string;
  let revision: string | undefined;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "parley-sw-"));
    fs.mkdirSync(path.join(root, "public"));
    fs.writeFileSync(path.join(root, "public", "sw.js"), "self.addEventListener('fetch', () => {});\n");
    server = http.createServer((req, res) => {
      void serveServiceWorker(req, res, root, revision).then((served) => {
        if (!served) {
          res.writeHead(404);
          res.end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sw.js`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("is never used from the HTTP cache unchecked, and carries a validator", async () => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("etag")).toMatch(/^"[\w-]{20,}"$/);
    expect(await res.text()).toContain("addEventListener");
  });

  it("answers an update check for the same worker with 304 and no body", async () => {
    const etag = (await fetch(url)).headers.get("etag")!;
    const again = await fetch(url, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const other = await fetch(url, { headers: { "If-None-Match": '"something-else"' } });
    expect(other.status).toBe(200);
  });

  it("gives a new validator when the worker changes (a new build, or a revision)", async () => {
    const first = (await fetch(url)).headers.get("etag")!;
    revision = "2";
    const revised = await fetch(url, { headers: { "If-None-Match": first } });
    expect(revised.status).toBe(200);
    expect(await revised.text()).toContain("// revision 2");
    const second = revised.headers.get("etag")!;
    expect(second).not.toBe(first);
    revision = undefined;
    // A rebuild in place (different size so the stat changes even on coarse clocks).
    fs.writeFileSync(path.join(root, "public", "sw.js"), "self.addEventListener('fetch', () => {}); // rebuilt\n");
    const rebuilt = await fetch(url, { headers: { "If-None-Match": first } });
    expect(rebuilt.status).toBe(200);
    expect(await rebuilt.text()).toContain("rebuilt");
  });

  it("is not there without a built worker", async () => {
    fs.rmSync(path.join(root, "public", "sw.js"));
    expect((await fetch(url)).status).toBe(404);
  });
});
