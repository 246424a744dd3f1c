import { describe, expect, it } from "vitest";
import { rssVerdict } from "./connections";

describe("rssVerdict: item 3's memory target over passes (≤ 1.15× bare, per pass)", () => {
  it("gives the verdict every pass agrees on, however far apart the passes are", () => {
    expect(rssVerdict([5, 10, 7], [10, 11, 9]).judged.verdict).toBe("met");
    expect(rssVerdict([16, 12, 14], [12, 10, 11]).judged.verdict).toBe("missed");
  });

  it("judges passes that disagree by their median, or says too noisy when they spread wide", () => {
    // Ratios 1.10, 1.20, 1.16: close together, the median (1.16) misses.
    expect(rssVerdict([11, 12, 11.6], [10, 10, 10]).judged.verdict).toBe("missed");
    // Ratios 1.05, 1.12, 1.18: the median (1.12) meets.
    expect(rssVerdict([10.5, 11.2, 11.8], [10, 10, 10]).judged.verdict).toBe("met");
    // Ratios 0.6, 1.2, 1.8: no verdict.
    expect(rssVerdict([6, 12, 18], [10, 10, 10]).judged.verdict).toBe("too noisy");
  });

  it("shows the median pass, so that the table's ratio is the one judged", () => {
    // Ratios 1.3, 0.9, 1.1: the median is the third pass.
    expect(rssVerdict([13, 9, 11], [10, 10, 10]).shown).toBe(2);
  });

  it("leaves out a pass whose RSS did not grow, and needs two ratios for a verdict", () => {
    const one = rssVerdict([-2.9, 12, 11], [10, 10, 10]);
    expect(one.judged.verdict).toBe("met");
    expect(one.judged.spread).toContain("1 pass with no growth left out");
    expect(one.shown).not.toBe(0);
    expect(rssVerdict([-2.9, 12, 11], [10, -1, 10]).judged.verdict).toBe("not measurable");
    // A single pass (BENCH_CONNECTIONS_PASSES=1) is judged alone, as before.
    expect(rssVerdict([11], [10]).judged.verdict).toBe("met");
    expect(rssVerdict([0], [10]).judged.verdict).toBe("not measurable");
  });
});
