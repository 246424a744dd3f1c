import { randomUUID } from "node:crypto";
import { wcagContrast } from "culori";
import { describe, expect, it } from "vitest";
import { AVATAR_COLOURS, AVATAR_TEXT, avatarColour } from "./avatar-colours";

describe("avatar colours", () => {
  it("every colour in the palette is at least 4.5:1 against the white initials", () => {
    for (const colour of AVATAR_COLOURS) {
      expect(wcagContrast(colour, AVATAR_TEXT), colour).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("every user id gets a colour from the palette, the same one every time", () => {
    const ids = [...Array.from({ length: 500 }, () => randomUUID()), "", "guest", "a".repeat(200)];
    const used = new Set<string>();
    for (const id of ids) {
      const colour = avatarColour(id);
      expect(AVATAR_COLOURS).toContain(colour);
      expect(avatarColour(id)).toBe(colour);
      used.add(colour);
    }
    expect(used.size).toBe(AVATAR_COLOURS.length);
  });
});
