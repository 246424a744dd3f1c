import { describe, expect, it } from "vitest";
import { emptyFigures, quartiles, ratioVerdict, report } from "./report";

describe("bench verdicts", () => {
  it("a ratio is met or missed by its median when the rounds agree", () => {
    expect(ratioVerdict([1.1, 1.2, 1.15, 1.18, 1.12], 1.25, 0.15).verdict).toBe("met");
    expect(ratioVerdict([1.4, 1.45, 1.5, 1.42, 1.47], 1.25, 0.15).verdict).toBe("missed");
    expect(ratioVerdict([0.9, 0.85, 0.95], 0.8, 0.3, true).verdict).toBe("met");
  });

  it("rounds that disagree beyond the bound give no verdict, whichever side the median is on", () => {
    const r = ratioVerdict([0.7, 1.0, 1.2, 2.5, 3.0], 1.5, 0.5);
    expect(r.verdict).toBe("too noisy");
    expect(r.spread).toMatch(/IQR 1\.00–2\.50×/);
  });

  it("a reference that measured nothing makes a ratio not measurable, never met", () => {
    expect(ratioVerdict([1.1, Infinity, 1.2], 1.25, 0.15).verdict).toBe("not measurable");
    expect(ratioVerdict([], 1.25, 0.15).verdict).toBe("not measurable");
    // The spread describes the rounds that have a ratio, and says when none has.
    expect(ratioVerdict([1.1, NaN, 1.2], 1.25, 0.15).spread).toMatch(/over 2 of 3 rounds/);
    expect(ratioVerdict([NaN, NaN], 1.25, 0.15)).toMatchObject({ verdict: "not measurable", spread: "no ratio in 2 rounds" });
    const { failed } = report([{ scenario: "s", metric: "m", unit: "", parley: 5, baseline: 0, target: { text: "t", verdict: "not measurable" } }]);
    expect(failed).toHaveLength(1);
  });

  it("the smoke check flags a comparison with a zero on either side", () => {
    const rows = [
      { scenario: "a", metric: "m", unit: "", parley: 100, baseline: 0, target: { text: "t", met: true } },
      { scenario: "b", metric: "m", unit: "", parley: 0, baseline: 50, target: { text: "t", met: false } },
      { scenario: "c", metric: "m", unit: "", parley: 3, baseline: 2, target: { text: "t", met: true } },
      { scenario: "d", metric: "lost", unit: "", parley: 0, target: { text: "0", met: true } },
    ];
    expect(emptyFigures(rows).map((r) => r.scenario)).toEqual(["a", "b"]);
    // A named reference is checked even where it carries no verdict (bare Socket.IO's ratios).
    const shown = [
      { scenario: "e", metric: "m", unit: "", parley: 3, baseline: 0, reference: "bare Socket.IO" },
      { scenario: "f", metric: "m", unit: "", parley: 3, baseline: NaN, reference: "textbook" },
      { scenario: "g", metric: "m", unit: "", parley: 3, baseline: 2, reference: "durable floor" },
    ];
    expect(emptyFigures(shown).map((r) => r.scenario)).toEqual(["e", "f"]);
  });

  it("quartiles interpolate", () => {
    expect(quartiles([1, 2, 3, 4, 5])).toEqual({ q1: 2, median: 3, q3: 4, min: 1, max: 5 });
  });
});
