import fs from "node:fs";
import { LoadGenerator } from "./lib/load";
import { BenchServer } from "./lib/targets";
const servers = [new BenchServer("baseline"), new BenchServer("parley")];
await Promise.all(servers.map((s) => s.start()));
const loads: LoadGenerator[] = [];
for (const s of servers) loads.push(await LoadGenerator.open(s, 1, Number(process.env.PER_ROOM ?? 100), 10));
const split = (s: BenchServer) => {
  const pid = (s as unknown as { child: { pid: number } }).child.pid;
  const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = f.slice(f.lastIndexOf(")") + 2).split(" ");
  return [Number(fields[11]) / 100, Number(fields[12]) / 100];
};
const tasks = (s: BenchServer) => {
  const pid = (s as unknown as { child: { pid: number } }).child.pid;
  const out = new Map<string, number>();
  for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const f = fs.readFileSync(`/proc/${pid}/task/${t}/stat`, "utf8");
      const name = f.slice(f.indexOf("(") + 1, f.lastIndexOf(")"));
      const fields = f.slice(f.lastIndexOf(")") + 2).split(" ");
      out.set(`${name}#${t}`, Number(fields[11]) + Number(fields[12]));
    } catch {}
  }
  return out;
};
for (const rate of (process.env.RATES ?? "200,200").split(",").map(Number)) {
  for (const [i, load] of loads.entries()) {
    const before = split(servers[i]!);
    const tb = tasks(servers[i]!);
    const r = await load.run({ rate, durationMs: 3000 });
    const after = split(servers[i]!);
    const ta = tasks(servers[i]!);
    const byName = new Map<string, number>();
    for (const [k, v] of ta) { const n = k; byName.set(n, (byName.get(n) ?? 0) + v - (tb.get(k) ?? 0)); }
    console.log("   threads:", [...byName].filter(([, v]) => v > 0).map(([k, v]) => `${k}=${((v / 100 / r.sent) * 1e6).toFixed(0)}µs`).join(" "));
    const u = ((after[0]! - before[0]!) / r.sent) * 1e6, sy = ((after[1]! - before[1]!) / r.sent) * 1e6;
    console.log(`${servers[i]!.kind} rate ${rate}: sent ${r.sent}, per msg user ${u.toFixed(0)} sys ${sy.toFixed(0)} µs`);
  }
}
for (const l of loads) l.close();
await Promise.all(servers.map((s) => s.stop()));
process.exit(0);
