import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs script without type declarations
import { derivePostgresSchema } from "./prisma-schemas.mjs";

describe("the PostgreSQL schema", () => {
  it("is derived from prisma/schema.prisma and up to date (one data model for both providers)", () => {
    expect(() => execFileSync(process.execPath, ["scripts/prisma-schemas.mjs", "--check"], { stdio: "pipe" })).not.toThrow();
    const derived = fs.readFileSync("prisma/postgresql/schema.prisma", "utf8");
    expect(derived).toContain('provider = "postgresql"');
    // The models are the SQLite schema's, character for character.
    const models = (text: string) => text.slice(text.indexOf("/// A person"));
    expect(models(derived)).toBe(models(fs.readFileSync("prisma/schema.prisma", "utf8")));
  });

  it("refuses a source schema it cannot rewrite, rather than writing a wrong one", () => {
    expect(() => derivePostgresSchema("model User { id String @id }")).toThrow(/cannot find the generator output/);
  });
});
