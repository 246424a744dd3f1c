/**
 * Parley against servers that keep messages (the durable floor, the textbook Prisma server)
 * and bare Socket.IO, which keeps none, on the same machine, in one run (docs/performance.md).
 *
 *   npm run bench                      every scenario (about 10 minutes)
 *   npm run bench -- cpu latency       some of them (cpu, fanout, latency, persistence, history, idle, reconnect, changes, startup, search, files, connections, nodes)
 *   npm run bench -- --smoke           a few seconds of each, for CI: checks that each measures something on both sides
 *
 * Each server runs in a child process; the load generator (socket.io-client) runs here.
 * Absolute figures drift on a shared machine: every comparison is made of short windows of
 * the servers taken in turn, and says "met", "missed" or "too noisy" (lib/report.ts). The
 * run exits non-zero only on "missed" or "not measurable"; a smoke run, when a scenario measured
 * nothing or missed a correctness row (something lost or out of order).
 */
import { cpu, fanout, latency } from "./scenarios/traffic";
import { persistence } from "./scenarios/persistence";
import { history } from "./scenarios/history";
import { idle } from "./scenarios/idle";
import { reconnectStorm } from "./scenarios/reconnect";
import { startup } from "./scenarios/startup";
import { changes } from "./scenarios/changes";
import { search } from "./scenarios/search";
import { files } from "./scenarios/files";
import { connections } from "./scenarios/connections";
import { nodes } from "./scenarios/nodes";
import { brokenPromises, emptyFigures, report, type Row } from "./lib/report";
import { compileBenchServers } from "./lib/targets";

const args = process.argv.slice(2);
const smoke = args.includes("--smoke");
const wanted = args.filter((a) => !a.startsWith("--"));
const scenarios: Record<string, (smoke: boolean) => Promise<Row[]>> = {
  cpu,
  fanout,
  latency,
  persistence,
  history,
  idle,
  reconnect: reconnectStorm,
  changes,
  startup,
  search,
  files,
  connections,
  nodes,
};
for (const name of wanted) if (!(name in scenarios)) throw new Error(`unknown scenario ${name}: one of ${Object.keys(scenarios).join(", ")}`);

await compileBenchServers();
const rows: Row[] = [];
for (const [name, run] of Object.entries(scenarios)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.error(`— ${name}${smoke ? " (smoke)" : ""}`);
  const result = await run(smoke);
  for (const r of result) console.error(`  ${r.scenario}: ${r.metric} = ${r.parley}${r.baseline !== undefined ? ` (baseline ${r.baseline})` : ""}`);
  rows.push(...result);
}
const { markdown, failed, noisy } = report(rows);
console.log(markdown);
if (smoke) {
  // A smoke run checks that every scenario runs and measures something, not the targets.
  const empty = emptyFigures(rows);
  if (empty.length > 0) {
    console.error(`no figure for: ${empty.map((r) => `${r.scenario} ${r.metric}`).join(", ")}`);
    process.exit(1);
  }
  // Nothing lost, nothing out of order: those hold at a smoke run's size as at any other.
  const broken = brokenPromises(rows);
  if (broken.length > 0) {
    console.error(`correctness missed: ${broken.map((r) => `${r.scenario} ${r.metric} = ${r.parley}`).join("; ")}`);
    process.exit(1);
  }
} else {
  if (noisy.length > 0) console.error(`too noisy to judge (rerun on a quieter machine): ${noisy.map((r) => `${r.scenario} ${r.metric}`).join("; ")}`);
  if (failed.length > 0) {
    console.error(`targets missed or not measurable: ${failed.map((r) => `${r.scenario} ${r.metric}`).join("; ")}`);
    process.exitCode = 1;
  }
}
process.exit();
