/**
 * `parley-admin` (and `npm run admin -- <command>`): the operator's command line, compiled
 * with the server (dist/admin.mjs). It acts on the database DATABASE_URL names (the default
 * file otherwise), as the server's environment sets it.
 */
import { parseEnv } from "../config/env";
import { adminProgram } from "./commands";
import { openAdminContext } from "./context";

const env = parseEnv();
const program = adminProgram(() => openAdminContext(env), {
  line: (s) => console.log(s),
  error: (s) => console.error(s),
  fail: (code) => void (process.exitCode = code),
});
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
