/**
 * A message's Markdown as the words a reader sees, on one line: no `**`, backticks, fences,
 * `>` or list markers; a link as its text, an image as its description, blocks and line
 * breaks as spaces. Search snippets (server and device) are cut from this, so a result
 * reads as the message does.
 */
import type { Nodes } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmStrikethroughFromMarkdown } from "mdast-util-gfm-strikethrough";
import { gfmStrikethrough } from "micromark-extension-gfm-strikethrough";

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
