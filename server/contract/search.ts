/**
 * Message search, as the server and the browser both see it: the query language people type
 * (plain words, "quoted phrases", `from:<name>`, `in:<room>`), and what a result carries.
 *
 * A query is never handed to a database's query language: it is parsed here into plain
 * terms, each of which the store matches as a substring of the text (case ignored), all of
 * them required. Quotes, operators and odd characters are just characters to find.
 */
import type { RoomSummary, UserSummary } from "./model";

/** At most this many terms count; the rest of a long query is ignored (never an error). */
export const SEARCH_MAX_TERMS = 8;
/** A term longer than this is cut to it (it still narrows the results). */
export const SEARCH_MAX_TERM_LENGTH = 100;
/** Results per page. */
export const SEARCH_PAGE = 20;
export const SEARCH_PAGE_MAX = 50;
/** Characters of a result's snippet. */
export const SEARCH_SNIPPET_LENGTH = 160;

export interface ParsedQuery {
  /** Text to find, each a case-insensitive substring that must occur. */
  terms: string[];
  /** `from:<name>`: the author's name (case ignored). */
  from?: string;
  /** `in:<room>`: a room's name or its address (slug), case ignored. */
  in?: string;
}

const clip = (s: string) => [...s].slice(0, SEARCH_MAX_TERM_LENGTH).join("");

/**
 * Splits a query into terms and filters. `from:` and `in:` take a word or a quoted name;
 * `"…"` keeps a phrase together (its spaces are part of what is found).
 *
 * @example
 * parseSearchQuery('from:ada "release notes" in:general v2')
 * // { terms: ["release notes", "v2"], from: "ada", in: "general" }
 */
export function parseSearchQuery(text: string): ParsedQuery {
  const parsed: ParsedQuery = { terms: [] };
  // A filter with a quoted or bare value, a quoted phrase, or a bare word.
  const token = /(from|in):(?:"([^"]*)"?|(\S*))|"([^"]*)"?|(\S+)/giu;
  // Control characters (a NUL among them) are no part of any message's words: they separate.
  for (const m of text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, " ").matchAll(token)) {
    if (m[1]) {
      const value = (m[2] ?? m[3] ?? "").trim();
      if (!value) continue;
      if (m[1].toLowerCase() === "from") parsed.from = clip(value);
      else parsed.in = clip(value.replace(/^#/, ""));
      continue;
    }
    const term = (m[4] ?? m[5] ?? "").replace(/\s+/g, " ").trim();
    if (term && parsed.terms.length < SEARCH_MAX_TERMS && !parsed.terms.includes(clip(term))) parsed.terms.push(clip(term));
  }
  return parsed;
}

/**
 * Where the terms occur in `text`, case ignored, as sorted, merged [start, end) ranges of
 * UTF-16 offsets (for `<mark>`).
 */
export function highlightRanges(text: string, terms: readonly string[]): Array<[number, number]> {
  const lower = text.toLowerCase();
  // Lower-casing may change a string's length (rare letters): ranges only where it did not.
  if (lower.length !== text.length) return [];
  const ranges: Array<[number, number]> = [];
  for (const term of terms) {
    const t = term.toLowerCase();
    if (!t) continue;
    for (let at = lower.indexOf(t); at !== -1; at = lower.indexOf(t, at + t.length)) ranges.push([at, at + t.length]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}

/** One message found. */
export interface SearchResult {
  message: { id: string; roomId: string; seq: number; author: UserSummary; createdAt: string; editedAt?: string };
  room: Pick<RoomSummary, "id" | "slug" | "name" | "visibility">;
  /**
   * Part of the message's text on one line (mentions as names), around the first match,
   * with the matches' [start, end) offsets in it.
   */
  snippet: { text: string; highlights: Array<[number, number]> };
}

export interface SearchPage {
  /** Newest first. */
  results: SearchResult[];
  /** Pass as `cursor` for the next (older) page; null when there is none. */
  next: string | null;
}
