import fs from "node:fs";
import os from "node:os";
import { clockTicksPerSecond, processStat } from "./targets";

/**
 * Where the machine's CPU went over a window: the whole machine's busy share (/proc/stat) and
 * the cores each party used (/proc/<pid>/stat of every process): the server under test, this
 * process (the load generator, every thread), PostgreSQL's processes and Redis. On two cores
 * shared by all of them, a figure such as a reconnect storm's is the machine's as much as the
 * server's: this says which (issue 32: "where the load generator on these two cores is the
 * bottleneck, say so with its figures").
 *
 * Clock ticks (10 ms): meant for windows of seconds. A process that ended inside the window
 * (a PostgreSQL backend closed) is not counted; one started inside it is counted whole.
 */
export interface CpuReading {
  atMs: number;
  /** /proc/stat's first line: ticks busy and in all, every core together. */
  busy: number;
  total: number;
  /** Ticks used so far by each process that is running now, by pid, with its group. */
  processes: Map<number, { group: string; ticks: number }>;
}

export interface CpuShares {
  /** The machine's busy share of all its cores, 0..1. */
  busy: number;
  cores: number;
  /** Cores used by each group over the window (1 = one core all the time). */
  groups: Record<string, number>;
}

const GROUPS: Record<string, string> = { postgres: "PostgreSQL", "redis-server": "Redis" };

export function readCpu(serverPid: number | undefined): CpuReading {
  const [, ...fields] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
  const n = fields.map(Number);
  // user nice system idle iowait irq softirq steal
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  const processes = new Map<number, { group: string; ticks: number }>();
  for (const entry of fs.readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    let comm: string;
    let ticks: number;
    try {
      ({ comm, ticks } = processStat(pid));
    } catch {
      continue; // ended between the listing and the reading
    }
    const group = pid === serverPid ? "the server" : pid === process.pid ? "the generator" : (GROUPS[comm] ?? "other");
    processes.set(pid, { group, ticks });
  }
  return { atMs: performance.now(), busy: total - idle, total, processes };
}

export function cpuShares(from: CpuReading, to: CpuReading): CpuShares {
  const seconds = (to.atMs - from.atMs) / 1000;
  const groups: Record<string, number> = {};
  for (const [pid, now] of to.processes) {
    const used = now.ticks - (from.processes.get(pid)?.ticks ?? 0);
    groups[now.group] = (groups[now.group] ?? 0) + used / clockTicksPerSecond() / seconds;
  }
  const total = to.total - from.total;
  return { busy: total > 0 ? (to.busy - from.busy) / total : NaN, cores: os.availableParallelism(), groups };
}

/** "the machine 93 % busy (2 cores): the server 0.73, PostgreSQL 0.52, … cores" */
export function describeShares(s: CpuShares): string {
  const order = ["the server", "PostgreSQL", "Redis", "the generator", "other"];
  const parts = order.filter((g) => (s.groups[g] ?? 0) >= 0.005).map((g) => `${g} ${s.groups[g]!.toFixed(2)}`);
  return `the machine ${Math.round(s.busy * 100)} % busy (${s.cores} cores): ${parts.join(", ")} cores`;
}
