import { describe, expect, it } from "vitest";
import { markdownToPlainText, snippetOf } from "./plain-text";
import { highlightRanges, parseSearchQuery, SEARCH_MAX_TERM_LENGTH, SEARCH_MAX_TERMS, SEARCH_SNIPPET_LENGTH } from "./search";

describe("parseSearchQuery", () => {
  it("splits words, keeps quoted phrases, and takes from: and in: with a word or a quoted name", () => {
    expect(parseSearchQuery('from:ada "release notes" in:general v2')).toEqual({ terms: ["release notes", "v2"], from: "ada", in: "general" });
    expect(parseSearchQuery('from:"Ada Lovelace" in:#random  hello   world ')).toEqual({ terms: ["hello", "world"], from: "Ada Lovelace", in: "random" });
    expect(parseSearchQuery("FROM:bob x")).toEqual({ terms: ["x"], from: "bob" });
  });

  it("takes operators and stray quotes as text; empty filters and repeats count for nothing", () => {
    expect(parseSearchQuery('"unclosed phrase')).toEqual({ terms: ["unclosed phrase"] });
    expect(parseSearchQuery('NEAR( a OR -b * " ')).toEqual({ terms: ["NEAR(", "a", "OR", "-b", "*"] });
    expect(parseSearchQuery('from: in:"" x x')).toEqual({ terms: ["x"] });
    expect(parseSearchQuery("   ")).toEqual({ terms: [] });
  });

  it("bounds a pasted essay: the first terms, each cut to a length", () => {
    const parsed = parseSearchQuery(`${"y".repeat(5000)} ${Array.from({ length: 50 }, (_, i) => `w${i}`).join(" ")}`);
    expect(parsed.terms).toHaveLength(SEARCH_MAX_TERMS);
    expect(parsed.terms[0]).toHaveLength(SEARCH_MAX_TERM_LENGTH);
  });
});

describe("highlightRanges and snippets", () => {
  it("marks every occurrence of every term, case ignored, overlaps merged", () => {
    expect(highlightRanges("Foo food FOO", ["foo"])).toEqual([[0, 3], [4, 7], [9, 12]]);
    expect(highlightRanges("abcdef", ["abc", "cde"])).toEqual([[0, 5]]);
    expect(highlightRanges("nothing", ["x"])).toEqual([]);
  });

  it("a snippet reads as the message does: no Markdown markers, fences, quotes or list marks; a link as its text", () => {
    const body = "**Release** is `v2.1`, see [the notes](https://example.org/notes)\n> quoted ~~old~~\n\n- one\n- two\n\n```js\nnpm test\n```";
    const s = snippetOf(body, ["release", "npm"], new Map());
    expect(s.text).toBe("Release is v2.1, see the notes quoted old one two npm test");
    expect(s.highlights).toEqual([
      [0, 7],
      [50, 53],
    ]);
    expect(markdownToPlainText("2 * 3 * 4 and a_b_c")).toBe("2 * 3 * 4 and a_b_c");
    expect(markdownToPlainText("![a cat](/api/files/x) <b>raw</b>")).toBe("a cat <b>raw</b>");
  });

  it("a snippet is one line around the first match, mentions shown as names, cut with an ellipsis", () => {
    const body = `${"intro ".repeat(30)}then <@u1> said\nthe needle is here ${"tail ".repeat(40)}`;
    const s = snippetOf(body, ["needle"], new Map([["u1", "Ada"]]));
    expect(s.text.startsWith("…")).toBe(true);
    expect(s.text.endsWith("…")).toBe(true);
    expect(s.text).toContain("@Ada said the needle is here");
    expect(s.text.length).toBeLessThanOrEqual(SEARCH_SNIPPET_LENGTH + 2);
    expect(s.highlights).toHaveLength(1);
    const [start, end] = s.highlights[0]!;
    expect(s.text.slice(start, end)).toBe("needle");
    expect(snippetOf("short <@room> note", ["note"], new Map())).toEqual({ text: "short @room note", highlights: [[12, 16]] });
  });
});
