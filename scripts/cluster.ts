/**
 * `npm run cluster`: N Parley nodes and a local load balancer in front of them, on one
 * machine, for trying a multi-node setup and for the end-to-end tests. Production setups
 * use a real proxy (docs/deploy.md); this is the same arrangement in one command.
 *
 *   npm run build && npm run cluster                    # 3 nodes behind http://localhost:3000
 *   npm run cluster -- --nodes 2 --port 8080
 *
 * Env: DATABASE_URL (a postgres:// URL; default postgresql://postgres@127.0.0.1:5432/parley,
 * created if missing), REDIS_URL (default redis://127.0.0.1:6379), BETTER_AUTH_SECRET
 * (generated for the run if unset: sessions then end with it). Nodes listen on the proxy's
 * port + 1, + 2, … on 127.0.0.1 only.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { startProxy } from "../server/cluster/proxy";
import { redact } from "../server/config/database-url";
import { migrateDatabase } from "../server/store/migrate";

const { values } = parseArgs({
  options: {
    nodes: { type: "string", default: "3" },
    port: { type: "string", default: process.env.PORT ?? "3000" },
    host: { type: "string", default: process.env.HOST ?? "localhost" },
  },
});
const count = Number(values.nodes);
const port = Number(values.port);
if (!Number.isInteger(count) || count < 1 || count > 16) fail("--nodes must be a whole number from 1 to 16");
if (!Number.isInteger(port) || port < 1 || port + count > 65535) fail("--port must leave room for the nodes' ports after it");

const databaseUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/parley";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const secret = process.env.BETTER_AUTH_SECRET ?? randomBytes(32).toString("base64url");
if (!/^postgres(ql)?:\/\//.test(databaseUrl)) fail("DATABASE_URL must be a postgres:// URL: the nodes share one database.");
if (!fs.existsSync(path.join(import.meta.dirname, "..", ".next", "BUILD_ID")) || !fs.existsSync(path.join(import.meta.dirname, "..", "dist", "server.mjs"))) {
  fail("No production build: run `npm run build` first.");
}

function fail(message: string): never {
  console.error(`cluster: ${message}`);
  process.exit(1);
}

/** Creates the database when the server is there but the database is not. */
async function ensureDatabase(url: string) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (err) {
    fail(`cannot reach PostgreSQL at ${redact(url)}: ${(err as Error).message}`);
  }
  const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  if (rowCount === 0) {
    await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    console.log(`cluster: created database ${name}`);
  }
  await client.end();
}

await ensureDatabase(databaseUrl);
// Migrate once here, so that the nodes do not race each other to it.
await migrateDatabase(databaseUrl);

const children: ChildProcess[] = [];
// The nodes never outlive this script, however it ends.
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});
const upstreams: string[] = [];
for (let i = 0; i < count; i++) {
  const nodePort = port + 1 + i;
  upstreams.push(`http://127.0.0.1:${nodePort}`);
  const child = spawn(process.execPath, ["--enable-source-maps", "dist/server.mjs"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(nodePort),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      BETTER_AUTH_SECRET: secret,
      // Browsers see the proxy's address; the nodes take client addresses from it.
      PUBLIC_URL: process.env.PUBLIC_URL ?? `http://${values.host}:${port}`,
      TRUST_PROXY: "true",
      // Migrated above, once: nodes racing for Prisma's migration lock would time out.
      MIGRATE_ON_START: "false",
      // Each node's metrics on a port of its own: METRICS_PORT, +1, +2, …
      ...(process.env.METRICS_PORT ? { METRICS_PORT: String(Number(process.env.METRICS_PORT) + i) } : {}),
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  child.once("exit", (code, signal) => {
    if (stopping) return;
    console.error(`cluster: node ${i} (${upstreams[i]}) exited (${signal ?? code}); the proxy routes around it`);
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) fail("every node has exited");
  });
  children.push(child);
}

const proxy = await startProxy({ upstreams, port, host: values.host, log: (line) => console.log(`cluster: ${line}`) });
console.log(`cluster: ${count} nodes (${upstreams.join(", ")}) behind ${proxy.url}`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    stopping = true;
    console.log("cluster: draining the nodes");
    const exits = children.map((c) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once("exit", r))));
    for (const c of children) c.kill("SIGTERM");
    void Promise.all(exits)
      .then(() => proxy.close())
      .then(() => process.exit(0));
  });
}
