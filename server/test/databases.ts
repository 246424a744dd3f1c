import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { DatabaseProvider } from "../config/database-url";

/**
 * Test databases for either provider. The SQLite suite copies a migrated template file;
 * the PostgreSQL suite clones a migrated template database (CREATE DATABASE … TEMPLATE),
 * which is as cheap. Migrating costs about a second, so it happens once per run.
 */

/** Where the PostgreSQL suite's databases are made (PARLEY_TEST_POSTGRES_URL). */
export const TEST_POSTGRES_URL = process.env.PARLEY_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
/** Where the multi-node suites find Redis (PARLEY_TEST_REDIS_URL). */
export const TEST_REDIS_URL = process.env.PARLEY_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Every PostgreSQL database the tests create starts with this, so a teardown can find them. */
export const TEST_DB_PREFIX = "parley_test_";

/**
 * A run's databases share a prefix with the run's start time in it
 * (`parley_test_<unix seconds>_`): a run drops its own at the end, and only runs older than
 * `STALE_AFTER_S` left by an interrupted run, never those of a run still going beside it
 * (two checkouts testing against one PostgreSQL at once).
 */
const runPrefix = () => `${TEST_DB_PREFIX}${Math.floor(Date.now() / 1000)}_`;
const STALE_AFTER_S = 6 * 3600;
/** The run prefix of one of this module's database names. */
export const runPrefixOf = (name: string): string | undefined => new RegExp(`^${TEST_DB_PREFIX}\\d+_`).exec(name)?.[0];

/** The provider this Vitest project runs against (set per project in vitest.config.ts). */
export function testProvider(): DatabaseProvider {
  return process.env.PARLEY_TEST_DATABASE === "postgresql" ? "postgresql" : "sqlite";
}

/** A URL for database `name` on the test PostgreSQL server. */
export function postgresUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new, empty PostgreSQL database (a copy of `template`, in its run); returns its URL. */
export async function createPostgresDatabase(template?: string): Promise<string> {
  const name = `${(template && runPrefixOf(template)) || runPrefix()}${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`));
  return postgresUrl(name);
}

/** Drops one test database (its connections closed first). */
export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!name.startsWith(TEST_DB_PREFIX)) throw new Error(`not a test database: ${name}`);
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/**
 * Drops the databases of the run that `template` belongs to; without one, those left by
 * runs that started more than six hours ago (or named before runs had a prefix).
 */
export async function dropTestDatabases(template?: string): Promise<void> {
  const run = template ? runPrefixOf(new URL(template).pathname.slice(1)) : undefined;
  const now = Date.now() / 1000;
  await admin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE '${TEST_DB_PREFIX}%'`);
    for (const { datname } of rows) {
      const prefix = runPrefixOf(datname);
      const started = prefix ? Number(prefix.slice(TEST_DB_PREFIX.length, -1)) : 0;
      const drop = run ? prefix === run : now - started > STALE_AFTER_S;
      if (drop) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  });
}

/** Whether the test PostgreSQL server answers. */
export async function postgresReachable(): Promise<boolean> {
  return admin(async (c) => (await c.query("SELECT 1")).rowCount === 1).catch(() => false);
}

/** A fresh copy of the migrated template: a file for SQLite, a database for PostgreSQL. */
export async function cloneTemplate(template: string): Promise<string> {
  if (template.startsWith("file:")) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-db-"));
    const file = path.join(dir, "parley.db");
    fs.copyFileSync(template.slice("file:".length), file);
    return `file:${file}`;
  }
  return createPostgresDatabase(new URL(template).pathname.slice(1));
}
