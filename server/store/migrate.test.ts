import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "./migrate";
import { createPostgresDatabase, dropDatabase, postgresReachable } from "../test/databases";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-migrate-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const postgres = await postgresReachable();
const migrationCount = fs.readdirSync(path.join(process.cwd(), "prisma/migrations")).filter((d) => !d.endsWith(".toml")).length;

describe("migrateDatabase", () => {
  it("creates a SQLite database at the latest schema, and a second run finds nothing to apply", async () => {
    const file = path.join(dir, "fresh.db");
    await migrateDatabase(`file:${file}`);
    await migrateDatabase(`file:${file}`);
    const db = new Database(file, { readonly: true });
    try {
      const applied = db.prepare("SELECT COUNT(*) AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL").get() as { n: number };
      expect(applied.n).toBe(migrationCount);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'Message'").get()).toBeTruthy();
    } finally {
      db.close();
    }
  });

  it("fails with the CLI's output when the database cannot be migrated", async () => {
    const file = path.join(dir, "not-a-database.db");
    fs.writeFileSync(file, "this is not a SQLite file, and much longer than its header would be".repeat(100));
    await expect(migrateDatabase(`file:${file}`)).rejects.toThrow(/database migration failed/);
  });

  // Resolved when the CLI says the schema is current, then the CLI is ended (Prisma's engine
  // leaves a 10 s timer behind on PostgreSQL): every migration must still be recorded as finished.
  it.skipIf(!postgres)("brings a PostgreSQL database to the latest schema (skipped without PostgreSQL)", async () => {
    const url = await createPostgresDatabase();
    try {
      await migrateDatabase(url);
      await migrateDatabase(url);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL`);
        expect(Number(rows[0]!.n)).toBe(fs.readdirSync(path.join(process.cwd(), "prisma/postgresql/migrations")).filter((d) => !d.endsWith(".toml")).length);
      } finally {
        await client.end();
      }
    } finally {
      await dropDatabase(url);
    }
  });
});
