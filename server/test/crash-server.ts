/**
 * A Parley server (no UI) in a process of its own, for tests that kill it with SIGKILL.
 * Env: PORT, DATABASE_URL. Prints "ready" when it accepts connections.
 */
import { createLogger } from "../logger";
import { startParley } from "../server";

const parley = await startParley({
  port: Number(process.env.PORT),
  host: "127.0.0.1",
  databaseUrl: process.env.DATABASE_URL,
  ui: false,
  migrate: false,
  security: { rateLimitScale: 1000 },
  log: createLogger("silent"),
});
process.stdout.write(`ready ${parley.url}\n`);
process.once("SIGTERM", () => void parley.close().then(() => process.exit(0)));
