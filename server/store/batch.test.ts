import { describe, expect, it, vi } from "vitest";
import { perTurnBatch } from "./batch";

describe("perTurnBatch", () => {
  it("sends the keys asked for in one turn as one batch, and answers each with its own value or null", async () => {
    const loadMany = vi.fn(async (keys: string[]) => new Map(keys.filter((k) => k !== "missing").map((k) => [k, k.toUpperCase()])));
    const get = perTurnBatch(loadMany);
    expect(await Promise.all([get("a"), get("b"), get("missing"), get("a")])).toEqual(["A", "B", null, "A"]);
    expect(loadMany).toHaveBeenCalledTimes(1);
    expect(await get("c")).toBe("C");
    expect(loadMany).toHaveBeenCalledTimes(2);
  });

  it("keeps nothing between batches: a changed value is read again", async () => {
    let value = "old";
    const get = perTurnBatch(async (keys: string[]) => new Map(keys.map((k) => [k, value])));
    expect(await get("k")).toBe("old");
    value = "new";
    expect(await get("k")).toBe("new");
  });

  it("splits a batch larger than its maximum", async () => {
    const sizes: number[] = [];
    const get = perTurnBatch(async (keys: number[]) => {
      sizes.push(keys.length);
      return new Map(keys.map((k) => [k, k]));
    }, 4);
    await Promise.all(Array.from({ length: 10 }, (_, i) => get(i)));
    expect(sizes).toEqual([4, 4, 2]);
  });
});
