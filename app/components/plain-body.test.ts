import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MarkdownBody } from "./markdown-body";
import { isPlainMessage, PlainBody } from "./plain-body";

const markdown = (text: string) => renderToStaticMarkup(createElement(MarkdownBody, { text }));
const plain = (text: string) => renderToStaticMarkup(createElement(PlainBody, { text }));

/** A small seeded generator (mulberry32): the same texts on every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pieces of chat text, the harmless and the meaningful mixed: a generated text that the
// fast path accepts must render exactly as the Markdown renderer renders it.
const PIECES = [
  "hello", "world", "ok", "lunch", "1", "42", "2.", "3)", "é", "naïve", "Straße", "日本語", "你好", "مرحبا", "שלום", "😂", "👍🏽", "👨‍👩‍👧", "🇫🇷", "1️⃣", "❤️",
  " ", " ", " ", " ", "  ", "\n", "\n", "\n\n", "\n\n\n", ",", ".", "...", "?", "!", "'", '"', ";", ":", ":)", "(", ")", "/", "//", "%", "$", "^", "{", "}", "=", "+", "-", "—", "–", "…", "’", "“", "”", "。", "、",
  "example.org", "a.dev", "http://x", "https://y.z", "mailto:a", "ada@example.org", "www.x", "e.g.", "x:y",
  "*", "_", "~~", "`", "[", "]", "<", ">", "#", "&amp;", "&", "\\", "|", "\t", "<@u_1>", "<@room>", "\u202E", "\u200F", "\u00A0", "---", "===", "- ", "+ ", "1. ", "> ",
];

function generated(count: number): string[] {
  const next = random(30);
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = 1 + Math.floor(next() * 12);
    let text = "";
    for (let j = 0; j < length; j++) text += PIECES[Math.floor(next() * PIECES.length)];
    texts.push(text);
  }
  return texts;
}

describe("plain messages, shown without the Markdown renderer", () => {
  it("render exactly as the renderer renders them, over thousands of generated texts", () => {
    let accepted = 0;
    for (const text of generated(6000)) {
      if (!isPlainMessage(text)) continue;
      accepted++;
      expect(plain(text), JSON.stringify(text)).toBe(markdown(text));
    }
    // The generator must exercise the fast path, not only the refusals.
    expect(accepted).toBeGreaterThan(300);
  });

  it("take most chat messages", () => {
    for (const text of ["hello world", "see you at 5, ok?", "Lunch?\nI'm in (maybe)", "ça marche 👍🏽", "你好，世界！", "first paragraph\n\nsecond one", "100% sure: yes", "e-mail me later — or not…"]) {
      expect(isPlainMessage(text), text).toBe(true);
      expect(plain(text)).toBe(markdown(text));
    }
  });

  it("leave formatting, links, mentions, lists, controls and indentation to the renderer", () => {
    for (const text of [
      "**bold**", "_it_", "~~gone~~", "`code`", "> quote", "- item", "+ item", "1. first", "2) second", "# title", "title\n===", "a\n---", "see example.org",
      "https://a.dev", "http:x", "mailto:ada@example.org", "<@u_1> hi", "a &amp; b", "a\\*b", "x\u202Ey", "    indented", "hard  \nbreak", " leading", "trailing ", "tab\there", "a | b", "[x](y)", "<b>", "a\u00A0b",
    ]) {
      expect(isPlainMessage(text), JSON.stringify(text)).toBe(false);
    }
  });
});
