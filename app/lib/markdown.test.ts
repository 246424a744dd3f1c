import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MessageBody } from "@/app/components/message-body";

const html = (text: string) => renderToStaticMarkup(createElement(MessageBody, { text }));

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
