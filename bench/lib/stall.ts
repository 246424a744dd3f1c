import fs from "node:fs";

/** The main thread's time on a CPU so far, in ms (Linux: its schedstat, in ns); NaN elsewhere. */
function mainThreadCpuMs(): number {
  try {
    return Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]) / 1e6;
  } catch {
    return NaN;
  }
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
  let last = performance.now();
  let lastCpu = mainThreadCpuMs();
  let max = 0;
  let held = 0;
  const note = () => {
    const now = performance.now();
    const cpu = mainThreadCpuMs();
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
      return Math.max(0, max);
    },
    /** After `stop`: the longest time the main thread ran within one gap, in ms. */
    get held(): number {
      return Number.isNaN(lastCpu) ? NaN : Math.max(0, held);
    },
  };
}
