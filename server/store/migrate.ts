import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { projectRoot } from "../config/paths";

/** What `prisma migrate deploy` prints once the database is at the latest schema. */
const MIGRATED = /^(No pending migrations to apply\.|All migrations have been successfully applied\.)$/m;

/**
 * Brings the database to the latest schema with `prisma migrate deploy` (creating the file
 * on first start). Runs Prisma's own CLI in its JavaScript engine mode: nothing is downloaded.
 *
 * Done when the CLI says the schema is current, not when its process exits: on PostgreSQL,
 * Prisma 6.19's schema engine races its advisory lock against a 10 s timer it never clears,
 * and the process lived on for those 10 s after its work (every node start on PostgreSQL
 * took 12 s instead of 2; docs/performance.md, run AC). The process is ended then; a
 * failure is still the exit code and output, as before.
 */
export function migrateDatabase(databaseUrl: string): Promise<void> {
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
