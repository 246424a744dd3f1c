import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MarkdownBody } from "@/app/components/markdown-body";
import { LIMITS } from "@/server/contract/limits";
import { capDelimiters, capNesting, MAX_DELIMITERS, MAX_NESTING, MAX_TREE_DEPTH } from "./markdown";

const html = (text: string) => renderToStaticMarkup(createElement(MarkdownBody, { text }));

describe("message Markdown", () => {
  it("formats bold, italics, strikethrough, code, code blocks, quotes, lists and links", () => {
    expect(html("**bold** and _it_ and ~~gone~~")).toMatch(/<strong>bold<\/strong> and <em>it<\/em> and <del[^>]*>gone<\/del>/);
    expect(html("run `npm test` now")).toMatch(/<code[^>]*>npm test<\/code>/);
    expect(html("```\nconst a = 1;\n```")).toMatch(/<pre[^>]*><code[^>]*>const a = 1;\n<\/code><\/pre>/);
    expect(html("> quoted")).toMatch(/<blockquote[^>]*>\s*<p[^>]*>quoted<\/p>\s*<\/blockquote>/);
    expect(html("- one\n- two")).toMatch(/<ul[^>]*>\s*<li>one<\/li>\s*<li>two<\/li>\s*<\/ul>/);
    expect(html("[the docs](https://example.org/d)")).toContain('<a href="https://example.org/d" target="_blank" rel="noopener noreferrer nofollow"');
    expect(html("~one~ tilde")).not.toContain("<del");
  });

  it("keeps the lines people typed", () => {
    expect(html("line one\nline two")).toMatch(/line one<br\/>\s*line two/);
  });

  it("finds bare links with linkify-it, outside code", () => {
    expect(html("see example.org/x and https://a.dev.")).toMatch(/<a href="https:\/\/example.org\/x"[^>]*>example.org\/x<\/a> and <a href="https:\/\/a.dev"[^>]*>https:\/\/a.dev<\/a>\./);
    expect(html("`https://in.code`")).not.toContain("<a ");
  });

  it("keeps script, raw HTML and javascript: links inert: shown as typed", () => {
    const attack = html(`<img src=x onerror="alert(1)"><script>alert(2)</script> [click](javascript:alert(3)) <a href="javascript:x">a</a>`);
    expect(attack).not.toMatch(/<(img|script|iframe)\b/);
    expect(attack).not.toContain('href="javascript');
    expect(attack).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(attack).toContain("[click](javascript:alert(3))");
    expect(html("<iframe src=\"javascript:alert(1)\"></iframe>\n\n<svg onload=alert(2)>")).not.toMatch(/<(iframe|svg)\b/);
    expect(html("![alt text](https://x.org/i.png)")).toBe(html("alt text"));
    expect(html("# Big")).toMatch(/<p class="font-semibold">Big<\/p>/);
  });

  it("shows bidi controls as their code points, in text and in code", () => {
    expect(html("invoice\u202Egnp.exe")).toMatch(/invoice<span data-bidi="U\+202E"[^>]*>U\+202E<\/span>gnp\.exe/);
    expect(html("`a\u2066b`")).toMatch(/<span data-bidi="U\+2066"[^>]*>U\+2066<\/span>/);
    expect(html("invoice\u202Egnp.exe")).not.toContain("\u202E");
  });
});

/** How deep elements of these names nest in `markup`. */
function nesting(markup: string, tags: string[]): number {
  let depth = 0;
  let deepest = 0;
  for (const [, close, tag] of markup.matchAll(/<(\/?)([a-z0-9]+)[^>]*>/g)) {
    if (!tags.includes(tag!)) continue;
    depth += close ? -1 : 1;
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

describe("hostile Markdown", () => {
  const hostile = {
    "1,999 nested list markers on one line": "- ".repeat(1999) + "x",
    "3,999 quote markers": ">".repeat(3999) + "x",
    "a 1,000-level list": Array.from({ length: 1000 }, () => "* ").join("") + "x",
    "1,000 numbered markers": "1. ".repeat(1000) + "x",
  };

  it.each(Object.entries(hostile))("renders %s, nested at most MAX_NESTING deep, the rest as text", (_, text) => {
    const markup = html(text);
    expect(markup).toContain("x</");
    expect(nesting(markup, ["ul", "ol", "blockquote"])).toBeLessThanOrEqual(MAX_NESTING);
    expect(nesting(markup, ["ul", "ol", "blockquote"])).toBeGreaterThan(1);
  });

  it("shows the markers past the cap as they were typed", () => {
    const markup = html("> ".repeat(MAX_NESTING + 3) + "deep");
    expect(nesting(markup, ["blockquote"])).toBe(MAX_NESTING);
    expect(markup).toContain("&gt; &gt; &gt; deep");
  });

  it("leaves ordinary nesting, and lines under the cap, untouched", () => {
    const ordinary = "- a\n  - b\n    - c\n> quote\n> > inner";
    expect(capNesting(ordinary)).toBe(ordinary);
    expect(capNesting("- ".repeat(MAX_NESTING) + "x")).toBe("- ".repeat(MAX_NESTING) + "x");
    expect(capNesting("- ".repeat(MAX_NESTING + 1) + "x")).toBe("- ".repeat(MAX_NESTING) + "\\- x");
    expect(capNesting("1. ".repeat(MAX_NESTING + 1))).toBe("1. ".repeat(MAX_NESTING) + "1\\. ");
  });

  it("bounds emphasis delimiters outside code blocks, counting escaped backslashes right", () => {
    const stars = "*".repeat(MAX_DELIMITERS + 2);
    expect(capDelimiters(stars)).toBe("*".repeat(MAX_DELIMITERS) + "\\*\\*");
    expect(capDelimiters("\\\\*".repeat(MAX_DELIMITERS + 1))).toBe("\\\\*".repeat(MAX_DELIMITERS) + "\\\\\\*");
    const code = "```\n" + "*".repeat(MAX_DELIMITERS * 2) + "\n```";
    expect(capDelimiters(code)).toBe(code);
    expect(capDelimiters("**bold** _it_")).toBe("**bold** _it_");
    // Emphasis nested past the tree's depth is text, not more elements.
    const deep = html("*a **b ".repeat(60) + "x" + " b** a*".repeat(60));
    expect(nesting(deep, ["em", "strong"])).toBeLessThanOrEqual(MAX_TREE_DEPTH);
  });

  it("survives random mixes of lists, quotes, emphasis, code and links up to the length limit (fuzz)", () => {
    // A seeded generator: a failure names its seed and input, and reruns the same.
    let seed = 0x9e3779b9;
    const random = () => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const pieces = ["- ", "> ", "* ", "+ ", "1. ", "9) ", "  ", "\t", "\n", "*", "**", "_", "__", "~~", "`", "```", "[", "]", "(", ")", "](https://e.org)", "![", "<", ">", "&#", "\\", "a", "word ", "<@u1>", "<@room>", "https://example.org/p", "\u202E", "# ", "---", "|"];
    for (let run = 0; run < 60; run++) {
      const start = seed;
      let text = "";
      // Some inputs repeat one piece (the pathological shapes), others mix.
      const favourite = pieces[Math.floor(random() * pieces.length)]!;
      const target = Math.floor(random() * LIMITS.messageLength);
      while (text.length < target) text += random() < 0.5 ? favourite : pieces[Math.floor(random() * pieces.length)]!;
      text = text.slice(0, LIMITS.messageLength);
      const began = performance.now();
      let markup = "";
      expect(() => (markup = html(text)), `seed ${start}: ${JSON.stringify(text.slice(0, 200))}`).not.toThrow();
      // Generous for a loaded machine: the unbounded renderer took seconds, or never finished.
      expect(performance.now() - began, `seed ${start}`).toBeLessThan(2000);
      expect(nesting(markup, ["ul", "ol", "blockquote"])).toBeLessThanOrEqual(MAX_NESTING);
    }
  });
});

describe("bidi controls wherever a message shows text", () => {
  it("are shown as code points in link text, image alt text and links shown as typed", () => {
    for (const text of ["[pay\u202Eexe.pdf](https://e.org/x)", "![alt\u202Etxt](https://e.org/i.png)", "[x\u2066y](javascript:alert(1))"]) {
      const markup = html(text);
      expect(markup, text).toMatch(/data-bidi="U\+(202E|2066)"/);
      expect(markup, text).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    }
  });
});
