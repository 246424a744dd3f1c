import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { stallMeter } from "./stall";

const schedstat = `/proc/self/task/${process.pid}/schedstat`;
const cpuMs = () => Number(fs.readFileSync(schedstat, "utf8").split(" ")[0]) / 1e6;
const tick = () => new Promise((r) => setTimeout(r, 5));

// The main thread's schedstat is Linux's; elsewhere the meter says NaN for `held`.
describe.skipIf(!fs.existsSync(schedstat))("the stall meter", () => {
  it("counts code that holds the loop as held, and a wait off the CPU only as a gap", async () => {
    const busy = stallMeter();
    await tick();
    // 40 ms of the thread's own CPU time (however long the machine makes that take).
    const from = cpuMs();
    while (cpuMs() - from < 40);
    await tick();
    const busyGap = busy.stop();
    expect(busy.held).toBeGreaterThanOrEqual(35);
    expect(busyGap).toBeGreaterThanOrEqual(35);

    const asleep = stallMeter();
    await tick();
    // 40 ms with the loop blocked but the thread asleep: what a process waiting for a core looks like to the loop.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 40);
    await tick();
    const sleptGap = asleep.stop();
    expect(sleptGap).toBeGreaterThanOrEqual(35);
    expect(asleep.held).toBeLessThan(15);
  });
});
