import { isSingleEmoji, normalizeEmoji } from "@/server/contract/limits";

/** The reactions offered first, before any search (the UI contract names these six). */
export const QUICK_REACTIONS = ["👍", "❤️", "😂", "🎉", "😮", "😢"] as const;

export interface EmojiEntry {
  emoji: string;
  label: string;
  tags: readonly string[];
}

let all: Promise<EmojiEntry[]> | undefined;

/**
 * Every emoji with its English name and keywords (emojibase's data), loaded the first time
 * someone searches: half a megabyte that the page does not carry until then.
 */
export function loadEmoji(): Promise<EmojiEntry[]> {
  all ??= import("emojibase-data/en/compact.json").then((m) =>
    (m.default as Array<{ unicode: string; label: string; tags?: string[]; group?: number }>)
      // Group 2 is the skin-tone and hair components, not emoji of their own.
      .filter((e) => e.group !== undefined && e.group !== 2)
      .map((e) => ({ emoji: normalizeEmoji(e.unicode), label: e.label, tags: e.tags ?? [] }))
      // What the server would refuse as a reaction is not offered.
      .filter((e) => isSingleEmoji(e.emoji)),
  );
  return all;
}

/** Emoji whose name or a keyword starts with each word of `query`, best matches first. */
export function searchEmoji(entries: readonly EmojiEntry[], query: string, limit = 48): EmojiEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const scored: Array<[number, EmojiEntry]> = [];
  for (const e of entries) {
    const label = e.label.toLowerCase();
    const names = [...label.split(/[\s:-]+/), ...e.tags];
    if (!words.every((w) => names.some((n) => n.startsWith(w)) || label.includes(w))) continue;
    scored.push([label.startsWith(words[0]!) ? 0 : 1, e]);
  }
  return scored.sort((a, b) => a[0] - b[0]).slice(0, limit).map(([, e]) => e);
}
