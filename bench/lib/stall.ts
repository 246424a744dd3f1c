/**
 * The longest the event loop went without running a timer, while on: a 1 ms interval
 * notes each gap. (monitorEventLoopDelay records nothing while the loop is starved by a
 * chain of promises that never yields, which is exactly the stall to catch.)
 */
export function stallMeter() {
  let last = performance.now();
  let max = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last - 1);
    last = now;
  }, 1);
  return {
    stop(): number {
      clearInterval(timer);
      max = Math.max(max, performance.now() - last - 1);
      return Math.max(0, max);
    },
  };
}
