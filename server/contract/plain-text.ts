/**
 * A message's Markdown as the words a reader sees, on one line: no `**`, backticks, fences,
 * `>` or list markers; a link as its text, an image as its description, blocks and line
 * breaks as spaces. Search snippets (server and device: `snippetOf`) are cut from this, so a result
 * reads as the message does.
 */
import type { Nodes } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmStrikethroughFromMarkdown } from "mdast-util-gfm-strikethrough";
import { gfmStrikethrough } from "micromark-extension-gfm-strikethrough";
import { MENTION } from "./mentions";
import { highlightRanges, SEARCH_SNIPPET_LENGTH, type SearchResult } from "./search";

/** Characters kept before a snippet's first match. */
const SNIPPET_LEAD = 40;

/** Nodes whose children are blocks: a space goes between them. */
const FLOW = new Set(["root", "blockquote", "list", "listItem", "table", "tableRow"]);

export function markdownToPlainText(markdown: string): string {
  const tree = fromMarkdown(markdown, { extensions: [gfmStrikethrough()], mdastExtensions: [gfmStrikethroughFromMarkdown()] });
  const out: string[] = [];
  const walk = (node: Nodes) => {
    switch (node.type) {
      case "text":
      case "inlineCode":
      case "code":
      case "html":
        out.push(node.value);
        return;
      case "image":
        out.push(node.alt ?? "");
        return;
      case "break":
        out.push(" ");
        return;
    }
    if (!("children" in node)) return;
    for (const child of node.children) {
      walk(child as Nodes);
      if (FLOW.has(node.type)) out.push(" ");
    }
  };
  walk(tree);
  return out.join("").replace(/\s+/g, " ").trim();
}

/**
 * The text as a reader sees it, on one line (mentions as names, no Markdown markers), cut to SEARCH_SNIPPET_LENGTH around the first
 * match, with every match's range in what is kept.
 */
export function snippetOf(body: string, terms: readonly string[], names: ReadonlyMap<string, string>): SearchResult["snippet"] {
  const text = markdownToPlainText(body.replace(MENTION, (_, id: string) => (id === "room" ? "@room" : `@${names.get(id) ?? "someone"}`)));
  const first = highlightRanges(text, terms)[0]?.[0] ?? 0;
  let start = Math.max(0, first - SNIPPET_LEAD);
  let end = Math.min(text.length, start + SEARCH_SNIPPET_LENGTH);
  start = Math.max(0, Math.min(start, end - SEARCH_SNIPPET_LENGTH));
  // Never split a surrogate pair.
  if (start > 0 && /[\uDC00-\uDFFF]/.test(text[start]!)) start--;
  if (end < text.length && /[\uDC00-\uDFFF]/.test(text[end]!)) end++;
  const cut = `${start > 0 ? "…" : ""}${text.slice(start, end)}${end < text.length ? "…" : ""}`;
  return { text: cut, highlights: highlightRanges(cut, terms) };
}
