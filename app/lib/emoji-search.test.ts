import { describe, expect, it } from "vitest";
import { isSingleEmoji } from "@/server/contract/limits";
import { loadEmoji, QUICK_REACTIONS, searchEmoji } from "./emoji-search";

describe("emoji search", () => {
  it("finds emoji by name and keyword, each one a valid reaction", async () => {
    const entries = await loadEmoji();
    expect(entries.length).toBeGreaterThan(1000);
    expect(searchEmoji(entries, "thumbs").map((e) => e.emoji)).toContain("👍");
    expect(searchEmoji(entries, "heart").map((e) => e.emoji)).toContain("❤️");
    expect(searchEmoji(entries, "party").map((e) => e.emoji)).toContain("🎉");
    expect(searchEmoji(entries, "zzzzqqq")).toEqual([]);
    expect(searchEmoji(entries, "  ")).toEqual([]);
    for (const e of entries) expect(isSingleEmoji(e.emoji), e.label).toBe(true);
    for (const e of QUICK_REACTIONS) expect(isSingleEmoji(e)).toBe(true);
  });
});
