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
import { linkify, revealControls } from "./linkify";

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

/** Bare links (linkify-it) in text outside links, and bidi controls (shown as U+XXXX) in all text, a link's included. */
export function remarkLinksAndControls() {
  return (tree: Root) => {
    visit(tree, "text", (node: Text, index, parent: Parent | undefined) => {
      if (!parent || index === undefined) return;
      const parts = parent.type === "link" ? revealControls(node.value) : linkify(node.value);
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
      hProperties: { dataBidi: code },
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

/**
 * How deep a message's blocks may nest (quotes and lists inside each other). Deeper is
 * shown as the text that was typed. A chat message has no use for more, and without a
 * bound one message of `"- ".repeat(1999)` costs seconds to parse and overflows the stack of
 * every reader's renderer.
 */
export const MAX_NESTING = 8;

/** How deep the parsed tree may be (blocks and inline formatting together) before the rest is text. */
export const MAX_TREE_DEPTH = 32;

/** A list marker (`-`, `*`, `+`, `1.`, `1)`) followed by a space, a tab or the line's end. */
const LIST_MARKER = /^(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)/;

/**
 * Caps the container markers at the start of each line (`>` and list markers) at
 * `MAX_NESTING`, before parsing: the marker past the cap is escaped with a backslash, so it
 * and everything after it on that line is text inside the deepest container allowed. Only a
 * line with more markers than that is changed; the work is linear in the text.
 *
 * @example
 * capNesting("> ".repeat(20) + "x") // 8 quotes, then "\\> > > … x" as text
 */
export function capNesting(text: string, max = MAX_NESTING): string {
  let out: string[] | null = null;
  const lines = text.split("\n");
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l]!;
    let i = 0;
    let depth = 0;
    for (;;) {
      while (i < line.length && (line[i] === " " || line[i] === "\t")) i++;
      if (i >= line.length) break;
      let width = 0;
      if (line[i] === ">") width = 1;
      else {
        const marker = LIST_MARKER.exec(line.slice(i, i + 11));
        if (marker) width = marker[0].length;
      }
      if (width === 0) break;
      if (depth === max) {
        // The marker's last character is the one that makes it a marker (`-`, `>`, `.` of `1.`).
        const at = i + width - 1;
        (out ??= lines.slice())[l] = `${line.slice(0, at)}\\${line.slice(at)}`;
        break;
      }
      depth++;
      i += width;
    }
  }
  return out ? out.join("\n") : text;
}

/**
 * How many emphasis delimiters (`*`, `_`) a message's formatting may use: CommonMark's
 * delimiter matching costs time that grows with the square of their number (a 4,000-character
 * message of `*` took 250 ms to parse here), which every reader of the room would pay.
 */
export const MAX_DELIMITERS = 256;

/**
 * Escapes the emphasis delimiters past `MAX_DELIMITERS` (outside fenced code blocks), so
 * that they are shown as typed and the parser's work stays bounded.
 */
export function capDelimiters(text: string, max = MAX_DELIMITERS): string {
  let seen = 0;
  let fence: string | null = null;
  let changed = false;
  const lines = text.split("\n").map((line) => {
    const opener = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence !== null) {
      if (opener && opener[1]!.startsWith(fence)) fence = null;
      return line;
    }
    if (opener) {
      fence = opener[1]!;
      return line;
    }
    // An escaped character (`\*`, `\\`) is passed over whole, so `\\*` counts its `*`.
    return line.replace(/\\[^]|[*_]/g, (mark) => {
      if (mark.length === 2 || ++seen <= max) return mark;
      changed = true;
      return `\\${mark}`;
    });
  });
  return changed ? lines.join("\n") : text;
}

/** What MessageBody parses: a message with its nesting and its delimiters bounded. */
export const boundMarkdown = (text: string): string => capDelimiters(capNesting(text));

/**
 * Past `MAX_TREE_DEPTH`, a node is replaced by the text it was typed as (a paragraph where a
 * block belongs, a list item in a list, text inside a paragraph): the parsed tree that the
 * recursive stages after it (mdast-util-to-hast, hast-util-to-jsx-runtime) walk is bounded,
 * whatever mixes of quotes, lists, emphasis and links a message nests. Iterative, so that
 * the check itself cannot overflow.
 */
export function remarkCapDepth(max = MAX_TREE_DEPTH) {
  return (tree: Root, file: { value?: unknown }) => {
    const source = typeof file.value === "string" ? file.value : String(file.value ?? "");
    const stack: Array<{ node: Parent; depth: number }> = [{ node: tree, depth: 0 }];
    while (stack.length > 0) {
      const { node, depth } = stack.pop()!;
      node.children.forEach((child, i) => {
        if (!("children" in child)) return;
        if (depth + 1 < max) {
          stack.push({ node: child as Parent, depth: depth + 1 });
          return;
        }
        node.children[i] = asText(child as Parent, node, source) as never;
      });
    }
  };
}

function asText(node: Parent, parent: Parent, source: string): Parent | Text {
  const { start, end } = node.position ?? {};
  const value = start?.offset !== undefined && end?.offset !== undefined ? source.slice(start.offset, end.offset) : plainText(node);
  const text: Text = { type: "text", value };
  if (parent.type === "list") return { type: "listItem", children: [{ type: "paragraph", children: [text] }] } as unknown as Parent;
  if (parent.type === "root" || parent.type === "blockquote" || parent.type === "listItem") return { type: "paragraph", children: [text] } as unknown as Parent;
  return text;
}

/** The text inside a node, without recursion. */
function plainText(node: Parent): string {
  let text = "";
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as { value?: unknown; children?: unknown[] };
    if (typeof n.value === "string") text += n.value;
    if (n.children) for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
  return text;
}
