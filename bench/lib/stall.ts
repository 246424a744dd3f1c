import fs from "node:fs";

/**
 * The main thread's time on a CPU so far, in ms, from its schedstat (Linux, in ns): the file
 * stays open and is read again from its start at every call (a 1 ms timer calls it), which
 * /proc answers afresh. NaN where it cannot be read.
 */
function mainThreadClock(): { cpuMs(): number; close(): void } {
  let fd: number | undefined;
  try {
    fd = fs.openSync(`/proc/self/task/${process.pid}/schedstat`, "r");
  } catch {
    return { cpuMs: () => NaN, close: () => {} };
  }
  const buf = Buffer.alloc(128);
  return {
    cpuMs: () => Number(buf.toString("latin1", 0, fs.readSync(fd, buf, 0, buf.length, 0)).split(" ")[0]) / 1e6,
    close: () => fs.closeSync(fd),
  };
}

/**
 * The longest the event loop went without running a timer, while on: a 1 ms interval
 * notes each gap. (monitorEventLoopDelay records nothing while the loop is starved by a
 * chain of promises that never yields, which is exactly the stall to catch.)
 *
 * A gap is wall time: on a loaded machine it also counts time the process waited for a
 * core (PostgreSQL's backends, the load generator, another process). `held` is the longest
 * time the main thread itself ran without the timer getting a turn: each gap's share on a
 * CPU, read from the thread's schedstat (Linux), which is what code holding the loop
 * (a long parse, a sort, a collection) costs; NaN where schedstat cannot be read.
 */
export function stallMeter() {
  const clock = mainThreadClock();
  let last = performance.now();
  let lastCpu = clock.cpuMs();
  let max = 0;
  let held = 0;
  const note = () => {
    const now = performance.now();
    const cpu = clock.cpuMs();
    const gap = now - last - 1;
    max = Math.max(max, gap);
    // On a CPU for at most the gap itself (the tick's own read is a few µs).
    held = Math.max(held, Math.min(gap, cpu - lastCpu - 1));
    last = now;
    lastCpu = cpu;
  };
  const timer = setInterval(note, 1);
  return {
    /** Stops; the longest gap in ms (wall time). */
    stop(): number {
      clearInterval(timer);
      note();
      clock.close();
      return Math.max(0, max);
    },
    /** After `stop`: the longest time the main thread ran within one gap, in ms. */
    get held(): number {
      return Number.isNaN(lastCpu) ? NaN : Math.max(0, held);
    },
  };
}
