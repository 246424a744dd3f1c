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
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`\u202A-\u202E\u2066-\u2069]+/gi;
// Punctuation that usually ends a sentence rather than a URL.
const TRAILING = /[.,;:!?)\]}'"]+$/;

export function linkify(text: string): TextPart[] {
  return linkifyOnly(text).flatMap((part) => (part.href ? [part] : revealControls(part.text)));
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
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let url = match[0];
    const start = match.index ?? 0;
    const trailing = url.match(TRAILING)?.[0] ?? "";
    // Keep a closing parenthesis that balances one inside the URL (Wikipedia-style links).
    let cut = trailing.length;
    if (trailing.startsWith(")") && (url.match(/\(/g)?.length ?? 0) > (url.slice(0, -trailing.length).match(/\)/g)?.length ?? 0)) {
      cut = trailing.length - 1;
    }
    if (cut > 0) url = url.slice(0, -cut);
    if (!isHttpUrl(url)) continue;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: url, href: url });
    last = start + url.length;
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
