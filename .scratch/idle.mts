import { compileBenchServers, BenchServer } from "../bench/lib/targets";
import { LoadGenerator } from "../bench/lib/load";
await compileBenchServers();
for (const kind of ["baseline", "parley"] as const) {
  const s = new BenchServer(kind); await s.start();
  const load = await LoadGenerator.open(s, 1, 100, 10);
  await load.run({ rate: 200, durationMs: 1000 });
  await new Promise((r) => setTimeout(r, 1000));
  const c0 = s.cpuSeconds(); const t0 = performance.now();
  await new Promise((r) => setTimeout(r, 5000));
  console.log(kind, "idle with 100 sockets:", ((s.cpuSeconds() - c0) / (performance.now() - t0) * 1e6).toFixed(0), "ms/s");
  load.close(); await s.stop();
}
process.exit();
