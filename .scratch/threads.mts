import fs from "node:fs";
import { compileBenchServers, BenchServer } from "../bench/lib/targets";
import { LoadGenerator } from "../bench/lib/load";
await compileBenchServers();
const threads = (pid: number) => Object.fromEntries(fs.readdirSync(`/proc/${pid}/task`).map((t) => { const st = fs.readFileSync(`/proc/${pid}/task/${t}/stat`, "utf8"); const name = st.slice(st.indexOf("(") + 1, st.lastIndexOf(")")); const f = st.slice(st.lastIndexOf(")") + 2).split(" "); return [`${t}:${name}`, { u: Number(f[11]), s: Number(f[12]) }]; }));
for (const rate of [200, 1000]) for (const kind of ["baseline", "parley"] as const) {
  const s = new BenchServer(kind); await s.start();
  const pid = (s as any).child.pid;
  const load = await LoadGenerator.open(s, 1, 100, 10);
  await load.run({ rate, durationMs: 1000 });
  const a = threads(pid);
  const r = await load.run({ rate, durationMs: 5000 });
  const b = threads(pid);
  const per = Object.entries(b).map(([k, v]) => [k, ((v.u - (a[k]?.u ?? 0)) * 10000 / r.sent).toFixed(0) + "u/" + ((v.s - (a[k]?.s ?? 0)) * 10000 / r.sent).toFixed(0) + "s"]).filter(([, v]) => v !== "0u/0s");
  console.log(kind, rate, "µs per message by thread:", JSON.stringify(per));
  load.close(); await s.stop();
}
process.exit();
