import { describe, expect, it } from "vitest";
import { isSingleEmoji, normalizeEmoji } from "./limits";

describe("isSingleEmoji", () => {
  it("takes one emoji, with skin tones, joiners, flags and keycaps", () => {
    for (const emoji of ["👍", "❤️", "😂", "🎉", "😮", "😢", "👍🏽", "👩‍👩‍👧‍👦", "🏳️‍🌈", "🇫🇷", "1️⃣", "#️⃣", "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}", "👩🏽‍💻"]) {
      expect(isSingleEmoji(emoji), emoji).toBe(true);
    }
  });

  it("refuses text, several emoji, padding and overlong input", () => {
    for (const text of ["", "ok", "a", "1", "👍👍", "👍 ", " 👍", "👍a", "<script>", "\u202e", "🇫", "x".repeat(65)]) {
      expect(isSingleEmoji(text), JSON.stringify(text)).toBe(false);
    }
  });

  it("refuses an emoji carrying piled-up combining marks or invisible characters", () => {
    for (const text of ["👍" + "\u0301".repeat(30), "👍\u{E0041}\u{E0042}", "👍\u{E0001}", "👍\u200B", "👍\u2066", "🏴\u{E0041}\u{E007F}", "😀\u0336"]) {
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

describe("LIMITS", () => {
  it("agrees with the plain-JavaScript copy the change statements use", async () => {
    const { DISTINCT_REACTIONS } = await import("../store/sql/message-changes.sql.mjs");
    const { LIMITS } = await import("./limits");
    expect(DISTINCT_REACTIONS).toBe(LIMITS.distinctReactions);
  });
});
