/**
 * `parley-admin` (and `npm run admin -- <command>`): the operator's command line, compiled
 * with the server (dist/admin.mjs). It acts on the database DATABASE_URL names (the default
 * file otherwise), as the server's environment sets it.
 */
import fs from "node:fs";
import path from "node:path";
import { resolveDatabaseUrl } from "../config/database-url";
import { loadEnvFile, parseEnv } from "../config/env";
import { projectRoot } from "../config/paths";
import { defaultFilesDir } from "../store/open-store";
import { adminProgram } from "./commands";
import { openAdminContext } from "./context";

// The server's .env, if there is one (the real environment wins), so both act on the same database.
loadEnvFile();
const env = parseEnv();
const databaseUrl = resolveDatabaseUrl(env.DATABASE_URL);
const { version } = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { version: string };
const place = { databaseUrl, filesDir: env.FILES_DIR ?? defaultFilesDir(databaseUrl), version };
const program = adminProgram(() => openAdminContext(env), {
  line: (s) => console.log(s),
  error: (s) => console.error(s),
  fail: (code) => void (process.exitCode = code),
}, place);
program.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (err) {
  const code = (err as { exitCode?: number }).exitCode;
  // Commander has said what was wrong (or printed help/version, exit code 0).
  if (typeof code === "number") process.exitCode = code;
  else {
    console.error(`parley-admin: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
