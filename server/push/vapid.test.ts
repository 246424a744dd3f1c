import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadOrCreateVapidKeys } from "./vapid";

describe("VAPID keys", () => {
  it("are made at first start beside the SQLite file (mode 0600) and the same at the next", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-vapid-"));
    const url = `file:${path.join(dir, "parley.db")}`;
    const first = loadOrCreateVapidKeys(url);
    expect(first.publicKey).toMatch(/^[A-Za-z0-9_-]{80,}$/);
    expect(loadOrCreateVapidKeys(url)).toEqual(first);
    expect(fs.statSync(path.join(dir, "vapid-keys.json")).mode & 0o777).toBe(0o600);
  });

  it("come from the environment when set, both or neither; PostgreSQL needs them", () => {
    expect(loadOrCreateVapidKeys("postgres://x/y", { publicKey: "pub", privateKey: "priv" })).toEqual({ publicKey: "pub", privateKey: "priv" });
    expect(() => loadOrCreateVapidKeys("file:./x.db", { publicKey: "pub" })).toThrow(/both/);
    expect(() => loadOrCreateVapidKeys("postgres://x/y")).toThrow(/VAPID_PUBLIC_KEY/);
  });
});
