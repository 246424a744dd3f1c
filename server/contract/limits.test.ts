import { describe, expect, it } from "vitest";
import { isSingleEmoji, normalizeEmoji } from "./limits";

describe("isSingleEmoji", () => {
  it("takes one emoji, with skin tones, joiners, flags and keycaps", () => {
    for (const emoji of ["👍", "❤️", "😂", "🎉", "😮", "😢", "👍🏽", "👩‍👩‍👧‍👦", "🏳️‍🌈", "🇫🇷", "1️⃣", "#️⃣"]) {
      expect(isSingleEmoji(emoji), emoji).toBe(true);
    }
  });

  it("refuses text, several emoji, padding and overlong input", () => {
    for (const text of ["", "ok", "a", "1", "👍👍", "👍 ", " 👍", "👍a", "<script>", "\u202e", "🇫", "x".repeat(65)]) {
      expect(isSingleEmoji(text), JSON.stringify(text)).toBe(false);
    }
  });
});

describe("normalizeEmoji", () => {
  it("spells each emoji one way", () => {
    expect(normalizeEmoji("👍\uFE0F")).toBe("👍");
    expect(normalizeEmoji("👍")).toBe("👍");
    expect(normalizeEmoji("❤️")).toBe("❤️");
    expect(normalizeEmoji("1️⃣")).toBe("1️⃣");
  });
});
