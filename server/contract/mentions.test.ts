import { describe, expect, it } from "vitest";
import { mentionedIds, mentionToken } from "./mentions";

describe("mentions", () => {
  it("finds each mentioned id once, in order, and nothing in text without tokens", () => {
    expect(mentionedIds(`hi ${mentionToken("u_1")} and <@u-2>, <@u_1>`)).toEqual(["u_1", "u-2"]);
    expect(mentionedIds("mail me at a@b.c, <@>, <@bad id>, < @x>")).toEqual([]);
    expect(mentionedIds(`<@${"x".repeat(65)}>`)).toEqual([]);
  });
});
