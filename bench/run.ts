/**
 * Parley against bare Socket.IO, on the same machine, in one run (docs/performance.md).
 *
 *   npm run bench                      every scenario (about 10 minutes)
 *   npm run bench -- fanout latency    some of them (fanout, latency, persistence, history, idle, reconnect, changes, startup)
 *   npm run bench -- --smoke           a few seconds of each, for CI: checks the suite runs
 *
 * Each server runs in a child process; the load generator (socket.io-client) runs here.
 * Absolute figures drift on a shared machine: every figure comes with its ratio to the
 * baseline measured minutes apart in the same invocation.
 */
import { fanout, latency } from "./scenarios/traffic";
import { persistence } from "./scenarios/persistence";
import { history } from "./scenarios/history";
import { idle } from "./scenarios/idle";
import { reconnectStorm } from "./scenarios/reconnect";
import { startup } from "./scenarios/startup";
import { changes } from "./scenarios/changes";
import { report, type Row } from "./lib/report";
import { compileBenchServers } from "./lib/targets";

const args = process.argv.slice(2);
const smoke = args.includes("--smoke");
const wanted = args.filter((a) => !a.startsWith("--"));
const scenarios: Record<string, (smoke: boolean) => Promise<Row[]>> = {
  fanout,
  latency,
  persistence,
  history,
  idle,
  reconnect: reconnectStorm,
  changes,
  startup,
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
const { markdown, failed } = report(rows);
console.log(markdown);
if (smoke) {
  // A smoke run checks that every scenario runs and measures something, not the targets.
  const empty = rows.filter((r) => !Number.isFinite(r.parley));
  if (empty.length > 0) {
    console.error(`no figure for: ${empty.map((r) => `${r.scenario} ${r.metric}`).join(", ")}`);
    process.exit(1);
  }
} else if (failed.length > 0) {
  console.error(`targets missed: ${failed.map((r) => `${r.scenario} ${r.metric}`).join("; ")}`);
  process.exitCode = 1;
}
process.exit();
