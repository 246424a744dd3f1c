import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { databaseProvider, SCHEMA_PATHS } from "../config/database-url";
import { projectRoot } from "../config/paths";
import { openDatabase } from "./prisma/client";

/** What `prisma migrate deploy` prints once the database is at the latest schema. */
const MIGRATED = /^(No pending migrations to apply\.|All migrations have been successfully applied\.)$/m;

/**
 * Brings the database to the latest schema with `prisma migrate deploy` (creating the file
 * on first start), unless it is there already (`schemaIsCurrent`). Runs Prisma's own CLI in
 * its JavaScript engine mode: nothing is downloaded.
 *
 * Done when the CLI says the schema is current, not when its process exits: on PostgreSQL,
 * Prisma 6.19's schema engine races its advisory lock against a 10 s timer it never clears,
 * and the process lived on for those 10 s after its work (every node start on PostgreSQL
 * took 12 s instead of 2; docs/performance.md, run AC). The process is ended then; a
 * failure is still the exit code and output, as before.
 */
export async function migrateDatabase(databaseUrl: string): Promise<void> {
  if (await schemaIsCurrent(databaseUrl)) return;
  await migrateDeploy(databaseUrl);
}

/**
 * Whether the database already holds every migration of this build, each finished and with
 * the checksum of its file, and nothing else: then `prisma migrate deploy` would have
 * nothing to do, and starting its CLI (a second Node process loading Prisma's engine: 2 s
 * here when idle, 5 s on a loaded machine) is skipped. A restarted node listens that much
 * sooner, while its clients wait to reconnect (docs/performance.md, run AL). Anything else
 * (no database yet, no table, a migration pending, failed, edited or unknown to this build,
 * an error reading) is left to the CLI, which applies or reports it as before.
 */
export async function schemaIsCurrent(databaseUrl: string): Promise<boolean> {
  const dir = path.join(projectRoot, path.dirname(SCHEMA_PATHS[databaseProvider(databaseUrl)]), "migrations");
  const expected = new Map<string, string>();
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name, "migration.sql");
    if (fs.existsSync(file)) expected.set(name, createHash("sha256").update(fs.readFileSync(file)).digest("hex"));
  }
  // A SQLite file that does not exist yet is created by the CLI, not here.
  if (databaseUrl.startsWith("file:") && !fs.existsSync(databaseUrl.slice("file:".length))) return false;
  let db: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    db = await openDatabase(databaseUrl);
    const rows = await db.$queryRawUnsafe<Array<{ name: string; checksum: string; finished: unknown; rolledBack: unknown }>>(
      `SELECT migration_name AS "name", checksum, finished_at AS "finished", rolled_back_at AS "rolledBack" FROM "_prisma_migrations"`,
    );
    const applied = rows.filter((r) => r.rolledBack === null);
    return applied.length === expected.size && applied.every((r) => r.finished !== null && expected.get(r.name) === r.checksum);
  } catch {
    return false;
  } finally {
    await db?.$disconnect().catch(() => undefined);
  }
}

function migrateDeploy(databaseUrl: string): Promise<void> {
  const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  return new Promise((resolve, reject) => {
    let done = false;
    let stdout = "";
    const child = execFile(
      process.execPath,
      [cli, "migrate", "deploy"],
      { cwd: projectRoot, env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" }, timeout: 60_000 },
      (err, out, stderr) => {
        if (done) return;
        done = true;
        if (err) reject(new Error(`database migration failed: ${err.message}\n${out}${stderr}`));
        else resolve();
      },
    );
    child.stdout?.on("data", (chunk: Buffer | string) => {
      stdout += chunk.toString();
      if (done || !MIGRATED.test(stdout)) return;
      done = true;
      child.kill();
      resolve();
    });
  });
}
