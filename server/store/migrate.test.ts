import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { migrateDatabase, schemaIsCurrent } from "./migrate";
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

  // A node whose database is current skips the CLI (seconds of a restart); anything else is the CLI's to apply or report.
  it("says a SQLite database is current only when every migration of this build is applied, finished and unedited", async () => {
    const file = path.join(dir, "current.db");
    const url = `file:${file}`;
    expect(await schemaIsCurrent(url)).toBe(false); // no file yet
    expect(fs.existsSync(file)).toBe(false); // and none made by asking
    await migrateDatabase(url);
    expect(await schemaIsCurrent(url)).toBe(true);
    const db = new Database(file);
    const last = db.prepare("SELECT id, migration_name AS name, checksum, finished_at AS finished FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1").get() as { id: string; name: string; checksum: string; finished: unknown };
    const cases: Array<[string, string, unknown[]]> = [
      ["edited since it was applied", "UPDATE _prisma_migrations SET checksum = ? WHERE id = ?", ["0".repeat(64), last.id]],
      ["failed (never finished)", "UPDATE _prisma_migrations SET finished_at = NULL WHERE id = ?", [last.id]],
      ["pending", "UPDATE _prisma_migrations SET rolled_back_at = finished_at WHERE id = ?", [last.id]],
      ["unknown to this build", "INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ('x', 'y', '29991231000000_later', 1, 1)", []],
    ];
    try {
      for (const [why, sql, args] of cases) {
        const restore = db.prepare("SELECT * FROM _prisma_migrations").all() as Array<Record<string, unknown>>;
        db.prepare(sql).run(...args);
        expect(await schemaIsCurrent(url), why).toBe(false);
        db.prepare("DELETE FROM _prisma_migrations").run();
        for (const row of restore) db.prepare(`INSERT INTO _prisma_migrations (${Object.keys(row).join(", ")}) VALUES (${Object.keys(row).map(() => "?").join(", ")})`).run(...Object.values(row));
        expect(await schemaIsCurrent(url), `${why}, undone`).toBe(true);
      }
      db.prepare("DROP TABLE _prisma_migrations").run();
      expect(await schemaIsCurrent(url), "no table").toBe(false);
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
      expect(await schemaIsCurrent(url)).toBe(false);
      await migrateDatabase(url);
      expect(await schemaIsCurrent(url)).toBe(true);
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
