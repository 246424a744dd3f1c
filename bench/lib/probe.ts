import type { IncomingMessage, ServerResponse } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";

/**
 * What a benchmarked server reports about itself at GET /bench/stats: CPU time used, RSS
 * and heap, and event-loop delay since the last GET /bench/reset. The load generator runs
 * in another process, so these are the server's own figures.
 */
export function statsProbe() {
  const eld = monitorEventLoopDelay({ resolution: 5 });
  // Its timer wakes the process 200 times a second, idle or not: a scenario that does not read
  // the delay and counts every node's CPU (nodes: three against one) turns it off, so that the
  // probe's own cost does not grow with the number of nodes.
  if (process.env.BENCH_PROBE_LOOP_DELAY !== "0") eld.enable();
  let cpu = process.cpuUsage();
  let since = performance.now();
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.url === "/bench/reset") {
      eld.reset();
      cpu = process.cpuUsage();
      since = performance.now();
      res.writeHead(204).end();
      return true;
    }
    if (req.url === "/bench/gc") {
      (globalThis as { gc?: () => void }).gc?.();
      res.writeHead(204).end();
      return true;
    }
    if (req.url !== "/bench/stats") return false;
    const used = process.cpuUsage(cpu);
    const elapsedMs = performance.now() - since;
    const mem = process.memoryUsage();
    res.writeHead(200, { "Content-Type": "application/json" }).end(
      JSON.stringify({
        cpuPercent: ((used.user + used.system) / 1000 / elapsedMs) * 100,
        rssBytes: mem.rss,
        heapUsedBytes: mem.heapUsed,
        heapTotalBytes: mem.heapTotal,
        externalBytes: mem.external,
        eldP50Ms: eld.percentile(50) / 1e6,
        eldP99Ms: eld.percentile(99) / 1e6,
        eldMaxMs: eld.max / 1e6,
      }),
    );
    return true;
  };
}

export interface ServerStats {
  cpuPercent: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** The V8 heap's reserved pages (used or not): RSS's JS part. */
  heapTotalBytes: number;
  /** Memory outside the V8 heap held by JS objects (Buffers and other ArrayBuffers). */
  externalBytes: number;
  eldP50Ms: number;
  eldP99Ms: number;
  eldMaxMs: number;
}
