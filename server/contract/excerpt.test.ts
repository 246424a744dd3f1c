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

describe("messageExcerpt", () => {
  it("names a message's files after its text; a message of files only is its files", async () => {
    const { messageExcerpt } = await import("./model");
    const files = [{ name: "a.png" }, { name: "b.pdf" }, { name: "c.txt" }, { name: "d.zip" }];
    expect(messageExcerpt({ body: "look", attachments: files.slice(0, 1) })).toBe("look 📎 a.png");
    expect(messageExcerpt({ body: "", attachments: files })).toBe("📎 a.png, b.pdf, c.txt and 1 more");
    expect(messageExcerpt({ body: "just text" })).toBe("just text");
  });
});
