import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadOrCreateAuthSecret } from "./secret";

describe("the session secret", () => {
  it("is made once, kept 0600 beside the database, and an empty kept file is refused rather than used", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-secret-"));
    const url = `file:${path.join(dir, "parley.db")}`;
    const made = loadOrCreateAuthSecret(url);
    expect(made.length).toBeGreaterThanOrEqual(32);
    expect(loadOrCreateAuthSecret(url)).toBe(made);
    expect(fs.statSync(path.join(dir, "auth-secret")).mode & 0o777).toBe(0o600);
    fs.writeFileSync(path.join(dir, "auth-secret"), "\n");
    expect(() => loadOrCreateAuthSecret(url)).toThrow(/no usable secret/);
  });
});
