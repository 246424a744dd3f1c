import { describe, expect, it } from "vitest";
import type { LoadResult } from "../lib/load";
import { KneeSearch } from "./traffic";

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
