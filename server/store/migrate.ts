import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import { projectRoot } from "../config/paths";


/**
 * Brings the database to the latest schema with `prisma migrate deploy` (creating the file
 * on first start). Runs Prisma's own CLI in its JavaScript engine mode: nothing is downloaded.
 */
export async function migrateDatabase(databaseUrl: string): Promise<void> {
  const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  try {
    await promisify(execFile)(process.execPath, [cli, "migrate", "deploy"], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      timeout: 60_000,
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`database migration failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}
