import { describe, expect, it } from "vitest";
import { plainExcerpt, QUOTE_EXCERPT_LENGTH } from "./model";

describe("plainExcerpt", () => {
  it("shows mentions as names, @room as itself, collapses white space and cuts long text", () => {
    expect(plainExcerpt("hi <@u1>,\n\n<@room> and <@gone>", [{ id: "u1", name: "Ada" }])).toBe("hi @Ada, @room and @someone");
    const long = plainExcerpt("😀".repeat(QUOTE_EXCERPT_LENGTH + 10));
    expect([...long]).toHaveLength(QUOTE_EXCERPT_LENGTH);
    expect(long.endsWith("…")).toBe(true);
  });
});
