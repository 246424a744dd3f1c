import { describe, expect, it } from "vitest";
import { ReadReporter } from "./read-reporter";

function fakeTimers() {
  let now = 0;
  const due: Array<{ at: number; fn: () => void; id: number }> = [];
  let ids = 0;
  return {
    setTimeout: (fn: () => void, ms: number) => {
      due.push({ at: now + ms, fn, id: ++ids });
      return ids;
    },
    clearTimeout: (id: unknown) => {
      const i = due.findIndex((d) => d.id === id);
      if (i >= 0) due.splice(i, 1);
    },
    advance(ms: number) {
      now += ms;
      for (let next = due.find((d) => d.at <= now); next; next = due.find((d) => d.at <= now)) {
        due.splice(due.indexOf(next), 1);
        next.fn();
      }
    },
  };
}

describe("ReadReporter", () => {
  it("sends a room's first position at once, then at most one per interval, the latest", () => {
    const sent: Array<[string, number]> = [];
    const timers = fakeTimers();
    const reporter = new ReadReporter({ read: async (roomId, seq) => void sent.push([roomId, seq]) }, 500, timers);
    reporter.report("a", 1);
    for (let seq = 2; seq <= 40; seq++) reporter.report("a", seq);
    reporter.report("b", 7);
    expect(sent).toEqual([["a", 1], ["b", 7]]);
    timers.advance(500);
    expect(sent).toEqual([["a", 1], ["b", 7], ["a", 40]]);
    // A quiet interval closes the window: the next position goes at once again.
    timers.advance(500);
    reporter.report("a", 41);
    expect(sent.at(-1)).toEqual(["a", 41]);
  });

  it("flush sends what waits", () => {
    const sent: Array<[string, number]> = [];
    const reporter = new ReadReporter({ read: async (roomId, seq) => void sent.push([roomId, seq]) }, 500, fakeTimers());
    reporter.report("a", 1);
    reporter.report("a", 2);
    reporter.flush();
    expect(sent).toEqual([["a", 1], ["a", 2]]);
  });
});
