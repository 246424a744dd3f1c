/**
 * Where a bench server's CPU goes, thread by thread (issue 31): the servers run side by side
 * with the bench's load generator (one room of 100, 10 senders) at a fixed rate, take 4 s
 * windows in turn, and each thread's user + system CPU over the windows comes from
 * /proc/<pid>/task/<tid>/stat, read from outside. Printed as µs per message, per thread (the
 * main thread is "main"; Parley's SQLite writer is the busiest of the others).
 *
 *   node --import tsx scripts/measure-server-threads.ts [servers] [rate] [rounds]
 *
 * servers: a comma-separated list of `parley`, `floor:each`, `floor:group`, `textbook`,
 * `baseline`, and the diagnostics `parley:no-search-index` (Parley on a database whose search
 * index triggers are dropped: what keeping the index costs) and `parley:index-in-commit` (the
 * index kept in each append's commit, as before run Y). Default: parley,floor:each,baseline.
 * Recorded in docs/performance.md (runs X and Y).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { LoadGenerator } from "../bench/lib/load";
import { BenchServer, clockTicksPerSecond, compileBenchServers } from "../bench/lib/targets";
import { migrateDatabase } from "../server/store/migrate";
import { DROP_SEARCH_TRIGGERS } from "../server/store/sqlite/search-index.mjs";

const names = (process.argv[2] ?? "parley,floor:each,baseline").split(",");
const rate = Number(process.argv[3] ?? 200);
const rounds = Number(process.argv[4] ?? 4);

/** Each thread's CPU so far, in µs, user + system, and system alone ("<thread>:sys"). */
function threads(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  const tick = 1e6 / clockTicksPerSecond();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    } catch {
      continue; // the thread ended meanwhile
    }
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const key = tid === String(pid) ? "main" : `thread ${tid}`;
    out.set(key, (Number(f[11]) + Number(f[12])) * tick);
    out.set(`${key}:sys`, Number(f[12]) * tick);
  }
  return out;
}

/** The search index's triggers of migration 20261202100000_message_search (before run Y), read from it. */
const INDEX_IN_COMMIT = fs
  .readFileSync(path.join(import.meta.dirname, "..", "prisma", "migrations", "20261202100000_message_search", "migration.sql"), "utf8")
  .match(/CREATE TRIGGER[\s\S]*?END;/g)!
  .join("\n");

async function serverFor(name: string): Promise<BenchServer> {
  const [kind, variant] = name.split(":");
  if (kind === "floor") return new BenchServer("floor", { FLOOR_MODE: variant ?? "group" });
  if (name === "parley:no-search-index") {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parley-threads-")), "parley.db");
    await migrateDatabase(`file:${file}`);
    const sqlite = new Database(file);
    for (const statement of DROP_SEARCH_TRIGGERS) sqlite.exec(statement);
    sqlite.close();
    return new BenchServer("parley", { DATABASE_URL: `file:${file}`, MIGRATE: "false" });
  }
  if (name === "parley:index-in-commit") {
    // The search index as it was kept before run Y: in each append's own commit.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parley-threads-")), "parley.db");
    await migrateDatabase(`file:${file}`);
    const sqlite = new Database(file);
    for (const statement of DROP_SEARCH_TRIGGERS) sqlite.exec(statement);
    sqlite.exec(INDEX_IN_COMMIT);
    sqlite.close();
    return new BenchServer("parley", { DATABASE_URL: `file:${file}`, MIGRATE: "false" });
  }
  if (kind === "parley" || kind === "textbook" || kind === "baseline") return new BenchServer(kind);
  throw new Error(`unknown server ${name}`);
}

await compileBenchServers();
const servers = await Promise.all(names.map(serverFor));
await Promise.all(servers.map((s) => s.start()));
const loads: LoadGenerator[] = [];
for (const s of servers) loads.push(await LoadGenerator.open(s, 1, 100, 10));
for (const load of loads) await load.run({ rate, durationMs: 2000 }); // warm-up
const used = names.map(() => new Map<string, number>());
const sent = names.map(() => 0);
for (let round = 0; round < rounds; round++) {
  for (let k = 0; k < servers.length; k++) {
    const i = (round + k) % servers.length;
    const before = threads(servers[i]!.pid!);
    const r = await loads[i]!.run({ rate, durationMs: 4000 });
    for (const [t, v] of threads(servers[i]!.pid!)) used[i]!.set(t, (used[i]!.get(t) ?? 0) + v - (before.get(t) ?? 0));
    sent[i]! += r.sent;
    if (r.ratio < 0.99) console.error(`  ${names[i]} fell behind in round ${round + 1} (delivery ratio ${r.ratio.toFixed(3)}): its figures are not per message`);
  }
}
for (const [i, name] of names.entries()) {
  console.log(`${name}: ${sent[i]} messages at ${rate}/s, µs per message`);
  const rows = [...used[i]!].filter(([t]) => !t.endsWith(":sys")).sort((a, b) => b[1] - a[1]);
  let total = 0;
  for (const [t, v] of rows) {
    total += v;
    if (v / sent[i]! >= 5) console.log(`  ${t.padEnd(16)} ${(v / sent[i]!).toFixed(0).padStart(6)}  (system ${((used[i]!.get(`${t}:sys`) ?? 0) / sent[i]!).toFixed(0)})`);
  }
  console.log(`  ${"all threads".padEnd(16)} ${(total / sent[i]!).toFixed(0).padStart(6)}`);
}
for (const load of loads) load.close();
await Promise.all(servers.map((s) => s.stop()));
process.exit(0);
