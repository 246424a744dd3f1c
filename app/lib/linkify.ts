import { LinkifyIt } from "linkify-it";

/**
 * Splits text into plain runs and http(s) links, for rendering as React text nodes and
 * anchors. Nothing here produces HTML: the caller renders each part as text.
 *
 * @example linkify("see https://x.dev.") // [{text:"see "}, {href:"https://x.dev", text:"https://x.dev"}, {text:"."}]
 */
export type TextPart =
  | { text: string; href?: undefined; control?: undefined }
  | { text: string; href: string; control?: undefined }
  /** A bidirectional control character, shown as its code point so it cannot reorder text. */
  | { text: string; control: string; href?: undefined };

/** Bidi embeddings, overrides and isolates: the characters of "Trojan Source" spoofing. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * Link detection by linkify-it (markdown-it's): http(s) URLs, and bare domains with a known
 * top-level domain ("example.org/page"), which get https://. No e-mail addresses or bare IP
 * addresses, and no other scheme: `javascript:` and the like stay text.
 */
const detector = new LinkifyIt()
  .add("mailto:", null)
  .add("ftp:", null)
  .add("//", null)
  .set({ fuzzyEmail: false, fuzzyIP: false, fuzzyLink: true });

export function linkify(text: string): TextPart[] {
  // A control ends a link rather than hiding inside it: links are found between controls.
  return revealControls(text).flatMap((part) => (part.control ? [part] : linkifyOnly(part.text)));
}

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

function linkifyOnly(text: string): TextPart[] {
  const matches = text.length > 0 ? detector.match(text) : null;
  if (!matches) return text.length > 0 ? [{ text }] : [];
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of matches) {
    const href = m.schema === "" ? `https://${m.raw}` : m.url;
    if (!isHttpUrl(href)) continue;
    if (m.index > last) parts.push({ text: text.slice(last, m.index) });
    parts.push({ text: m.raw, href });
    last = m.lastIndex;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

function isHttpUrl(candidate: string): boolean {
  try {
    const u = new URL(candidate);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname.length > 0;
  } catch {
    return false;
  }
}
