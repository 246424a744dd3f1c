/**
 * Parley's Markdown: what a message may format, as remark plugins for react-markdown
 * (app/components/message-body.tsx). CommonMark gives bold, italics, inline code, fenced
 * code blocks, block quotes, lists and links; GFM's strikethrough is added on its own
 * (`~~text~~`), without GFM's tables, task lists, footnotes or its URL detection. Bare links
 * are found by linkify-it (`linkify.ts`) in the text, and bidirectional control characters
 * are shown as their code points, as in plain messages. Raw HTML is text: it is shown as
 * typed, never parsed.
 */
import type { Html, Link, Parent, PhrasingContent, Root, Text } from "mdast";
import { gfmStrikethroughFromMarkdown } from "mdast-util-gfm-strikethrough";
import { gfmStrikethrough } from "micromark-extension-gfm-strikethrough";
import { SKIP, visit } from "unist-util-visit";
import { MENTION } from "@/server/contract/mentions";
import { linkify } from "./linkify";

type ProcessorData = { micromarkExtensions?: unknown[]; fromMarkdownExtensions?: unknown[] };

/** `~~struck~~` (two tildes; one is left as typed). */
export function remarkStrikethrough(this: { data(): unknown }) {
  const data = this.data() as ProcessorData;
  (data.micromarkExtensions ??= []).push(gfmStrikethrough({ singleTilde: false }));
  (data.fromMarkdownExtensions ??= []).push(gfmStrikethroughFromMarkdown());
}

/** Raw HTML becomes the text it was: `<b>` is shown as `<b>`. */
export function remarkHtmlAsText() {
  return (tree: Root) => {
    visit(tree, "html", (node: Html, index, parent: Parent | undefined) => {
      if (!parent || index === undefined) return;
      const text: Text = { type: "text", value: node.value, position: node.position };
      // A block of HTML becomes a paragraph of its text.
      parent.children[index] = (parent.type === "root" || parent.type === "blockquote" || parent.type === "listItem"
        ? { type: "paragraph", children: [text] }
        : text) as never;
      return SKIP;
    });
  };
}

/** Bare links (linkify-it) and bidi controls (shown as U+XXXX), in text outside links. */
export function remarkLinksAndControls() {
  return (tree: Root) => {
    visit(tree, "text", (node: Text, index, parent: Parent | undefined) => {
      if (!parent || index === undefined || parent.type === "link") return;
      const parts = linkify(node.value);
      if (parts.length === 1 && !parts[0]!.href && !parts[0]!.control) return;
      const replacement: PhrasingContent[] = parts.map((part) => {
        if (part.href) return { type: "link", url: part.href, children: [{ type: "text", value: part.text }] } satisfies Link;
        if (part.control) return bidiControl(part.control);
        return { type: "text", value: part.text };
      });
      parent.children.splice(index, 1, ...(replacement as never[]));
      return [SKIP, index + replacement.length];
    });
  };
}

/** A control character as a marked span with its code point, for mdast-util-to-hast. */
function bidiControl(code: string): PhrasingContent {
  return {
    type: "text",
    value: code,
    data: {
      hName: "span",
      hProperties: { dataBidi: code, title: "Bidirectional control character, shown so that it cannot reorder the text" },
      hChildren: [{ type: "text", value: code }],
    },
  } as unknown as PhrasingContent;
}

/**
 * Mentions (`<@userId>`) in text outside links and code become `span`s marked with the id
 * (`data-mention`), which app/components/message-body.tsx shows as the person's name.
 */
export function remarkMentions() {
  return (tree: Root) => {
    visit(tree, "text", (node: Text, index, parent: Parent | undefined) => {
      if (!parent || index === undefined || parent.type === "link" || !node.value.includes("<@")) return;
      const parts = node.value.split(MENTION);
      if (parts.length === 1) return;
      // split with a capture group alternates text and ids: [text, id, text, id, text…].
      const replacement = parts
        .map((part, i): PhrasingContent | null => {
          if (i % 2 === 0) return part.length > 0 ? { type: "text", value: part } : null;
          return {
            type: "text",
            value: `<@${part}>`,
            data: { hName: "span", hProperties: { dataMention: part }, hChildren: [{ type: "text", value: `<@${part}>` }] },
          } as unknown as PhrasingContent;
        })
        .filter((n): n is PhrasingContent => n !== null);
      parent.children.splice(index, 1, ...(replacement as never[]));
      return [SKIP, index + replacement.length];
    });
  };
}
