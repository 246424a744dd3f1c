import { LinkifyIt } from "linkify-it";
import { revealControls, type TextPart } from "./bidi-controls";

export { revealControls, type TextPart };

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
