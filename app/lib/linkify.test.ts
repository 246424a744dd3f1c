import { describe, expect, it } from "vitest";
import { linkify } from "./linkify";

describe("linkify", () => {
  it("leaves plain text alone", () => {
    expect(linkify("just words")).toEqual([{ text: "just words" }]);
    expect(linkify("")).toEqual([]);
  });

  it("finds http and https links and keeps sentence punctuation outside", () => {
    expect(linkify("see https://x.dev/a?b=1. and http://y.org!")).toEqual([
      { text: "see " },
      { text: "https://x.dev/a?b=1", href: "https://x.dev/a?b=1" },
      { text: ". and " },
      { text: "http://y.org", href: "http://y.org" },
      { text: "!" },
    ]);
  });

  it("keeps a closing parenthesis that belongs to the URL", () => {
    const parts = linkify("(https://en.wikipedia.org/wiki/Ada_(language))");
    expect(parts[1]).toEqual({
      text: "https://en.wikipedia.org/wiki/Ada_(language)",
      href: "https://en.wikipedia.org/wiki/Ada_(language)",
    });
    expect(parts[2]).toEqual({ text: ")" });
  });

  it("never links other schemes, and returns markup as text", () => {
    expect(linkify("javascript:alert(1) <img src=x onerror=alert(1)>")).toEqual([
      { text: "javascript:alert(1) <img src=x onerror=alert(1)>" },
    ]);
    expect(linkify('https://"><script>')).toEqual([{ text: 'https://"><script>' }]);
  });
});

describe("linkify-it's detection", () => {
  it("links bare domains with a known top-level domain, with https://", () => {
    expect(linkify("docs at example.org/start, not file.txt")).toEqual([
      { text: "docs at " },
      { text: "example.org/start", href: "https://example.org/start" },
      { text: ", not file.txt" },
    ]);
  });

  it("leaves e-mail addresses, bare IP addresses and other schemes as text", () => {
    expect(linkify("ada@example.org 10.0.0.1 ftp://x.org mailto:ada@example.org").every((p) => p.href === undefined)).toBe(true);
  });
});

describe("bidi controls", () => {
  it("are split out and named by code point, so they cannot reorder what is shown", () => {
    expect(linkify("user\u202Egnp.exe")).toEqual([
      { text: "user" },
      { text: "\u202E", control: "U+202E" },
      { text: "gnp.exe" },
    ]);
    expect(linkify("\u2066x\u2069").map((p) => p.control ?? p.text)).toEqual(["U+2066", "x", "U+2069"]);
  });

  it("end a link rather than hide inside it", () => {
    expect(linkify("https://example.com/\u202Efdp.exe")).toEqual([
      { text: "https://example.com/", href: "https://example.com/" },
      { text: "\u202E", control: "U+202E" },
      { text: "fdp.exe" },
    ]);
  });
});
