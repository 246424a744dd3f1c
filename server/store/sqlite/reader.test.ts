import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sharedReadConnection } from "./reader";

describe("sharedReadConnection", () => {
  it("gives every user of a file one connection, closed when the last one releases it", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parley-reader-")), "x.db");
    const a = sharedReadConnection(file);
    const b = sharedReadConnection(file);
    expect(b.sqlite).toBe(a.sqlite);
    expect(a.sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
    a.release();
    a.release(); // a second release by the same user does not take another's place
    expect(b.sqlite.open).toBe(true);
    b.release();
    expect(b.sqlite.open).toBe(false);
    const c = sharedReadConnection(file);
    expect(c.sqlite).not.toBe(a.sqlite);
    expect(c.sqlite.open).toBe(true);
    c.release();
  });
});
