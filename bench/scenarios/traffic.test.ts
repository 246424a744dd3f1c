import { describe, expect, it } from "vitest";
import type { LoadResult } from "../lib/load";
import { KneeSearch, referenceOf } from "./traffic";

/** A step's result: it kept up (all delivered, p99 20 ms) or fell behind. */
const step = (rate: number, ok: boolean) => ({ rate, ratio: ok ? 1 : 0.5, deliveriesPerSec: rate * 100, latency: { p99: ok ? 20 : 500 } }) as LoadResult;

function search(rates: number[], knee: number) {
  const s = new KneeSearch(rates);
  const tried: number[] = [];
  for (let rate = s.next(); rate !== undefined; rate = s.next()) {
    tried.push(rate);
    s.record(rate, step(rate, rate <= knee));
  }
  return { best: s.best?.rate, tried };
}

describe("KneeSearch", () => {
  it("climbs, then halves the gap", () => {
    const { best, tried } = search([50, 100, 200, 400], 260);
    expect(tried.slice(0, 4)).toEqual([50, 100, 200, 400]);
    expect(best).toBeGreaterThanOrEqual(200);
    expect(best).toBeLessThanOrEqual(260);
  });

  it("a first step that falls behind steps down until one holds: never a knee of 0", () => {
    const { best, tried } = search([200, 400], 60);
    expect(tried.slice(0, 3)).toEqual([200, 100, 50]);
    expect(best).toBeGreaterThan(0);
    expect(best).toBeLessThanOrEqual(60);
  });

  it("nothing holds down to the floor: no knee (not measurable), never 0", () => {
    const { best, tried } = search([200], 5);
    expect(best).toBeUndefined();
    expect(Math.min(...tried)).toBeGreaterThanOrEqual(10);
  });
});

describe("references", () => {
  const round = (floorEach: number, floorGroup: number) => ({ parley: 10, "floor-each": floorEach, "floor-group": floorGroup, textbook: 20, bare: 5 });
  const id = (x: number) => x;

  it("the durable floor is whichever variant did better in the round", () => {
    expect(referenceOf(round(8, 7), "floor", id, true)).toBe(7);
    expect(referenceOf(round(8, 7), "floor", id, false)).toBe(8);
    expect(referenceOf(round(8, 7), "textbook", id, true)).toBe(20);
    expect(referenceOf(round(8, 7), "bare", id, true)).toBe(5);
  });

  it("a variant without a figure (it fell behind) leaves the other; neither leaves none", () => {
    expect(referenceOf(round(NaN, 7), "floor", id, true)).toBe(7);
    expect(referenceOf(round(8, NaN), "floor", id, false)).toBe(8);
    expect(referenceOf(round(NaN, NaN), "floor", id, true)).toBeNaN();
  });
});
