import { describe, expect, it } from "vitest";
import { cpuShares, describeShares, readCpu, type CpuReading } from "./machine";
import { clockTicksPerSecond } from "./targets";

const reading = (atMs: number, busy: number, total: number, processes: Array<[number, string, number]>): CpuReading => ({
  atMs,
  busy,
  total,
  processes: new Map(processes.map(([pid, group, ticks]) => [pid, { group, ticks }])),
});

describe("machine CPU shares", () => {
  it("gives each group the cores it used over the window, and the machine's busy share", () => {
    const hz = clockTicksPerSecond();
    const from = reading(0, 1_000, 5_000, [[1, "the server", 100], [2, "PostgreSQL", 50], [3, "PostgreSQL", 0]]);
    // Two seconds: the server used 1.5 s of CPU, two backends 0.5 s each, one new backend 0.2 s.
    const to = reading(2_000, 1_000 + 3 * hz, 5_000 + 4 * hz, [
      [1, "the server", 100 + 1.5 * hz],
      [2, "PostgreSQL", 50 + 0.5 * hz],
      [3, "PostgreSQL", 0.5 * hz],
      [4, "PostgreSQL", 0.2 * hz],
    ]);
    const shares = cpuShares(from, to);
    expect(shares.busy).toBeCloseTo(0.75);
    expect(shares.groups["the server"]).toBeCloseTo(0.75);
    expect(shares.groups["PostgreSQL"]).toBeCloseTo(0.6);
    expect(describeShares(shares)).toMatch(/^the machine 75 % busy \(\d+ cores\): the server 0\.75, PostgreSQL 0\.60 cores$/);
  });

  it("reads this process as the generator and the named server's pid as the server", () => {
    const r = readCpu(process.ppid);
    expect(r.processes.get(process.pid)?.group).toBe("the generator");
    expect(r.processes.get(process.ppid)?.group).toBe("the server");
    expect(r.total).toBeGreaterThan(r.busy);
  });
});
