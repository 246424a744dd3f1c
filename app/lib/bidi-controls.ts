/**
 * A text split into plain runs, http(s) links (linkify.ts) and bidi controls, for
 * rendering as React text nodes and anchors. Nothing here produces HTML: the caller
 * renders each part as text. Kept apart from linkify-it, which only Markdown messages load.
 */
export type TextPart =
  | { text: string; href?: undefined; control?: undefined }
  | { text: string; href: string; control?: undefined }
  /** A bidirectional control character, shown as its code point so it cannot reorder text. */
  | { text: string; control: string; href?: undefined };

/** Bidi embeddings, overrides and isolates: the characters of "Trojan Source" spoofing. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * Splits out bidi control characters as `{ control: "U+202E" }` parts.
 *
 * @example revealControls("a\u202Eb") // [{text:"a"}, {text:"\u202E", control:"U+202E"}, {text:"b"}]
 */
export function revealControls(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(BIDI_CONTROLS)) {
    const at = match.index ?? 0;
    if (at > last) parts.push({ text: text.slice(last, at) });
    const code = match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    parts.push({ text: match[0], control: `U+${code}` });
    last = at + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
