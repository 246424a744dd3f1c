/** Limits shared by the server's validation and the client's UI hints. */
export const LIMITS = {
  /** Longest message body, in Unicode code points. */
  messageLength: 4000,
  roomNameLength: 60,
  displayNameLength: 40,
  /** Messages per page when opening a room or loading older history. */
  historyPage: 50,
  historyPageMax: 200,
  /** Messages one user may send per window (all their connections together). */
  messageBudget: { points: 30, seconds: 10 },
  /** Edits, deletions and reactions one user may make per window. */
  changeBudget: { points: 60, seconds: 10 },
  /** Longest reaction, in UTF-16 code units (a family emoji with skin tones is about 35). */
  reactionLength: 64,
  /** Different emoji one message can carry (each may be given by any number of people). */
  distinctReactions: 20,
  /** Changes per page of a catch-up. */
  changesPageMax: 500,
  /** Longest note on a report, in UTF-16 code units. */
  reportNoteLength: 500,
  /** Reports one user may file per hour. */
  reportBudget: { points: 10, seconds: 3600 },
} as const;

/**
 * How long a client waits for the answer to a join (`room:join`) while connected. A join
 * can queue behind a crowd (every client of a node coming back after a restart): waiting
 * for it costs the node nothing, while giving up and asking again puts the join at the back
 * of the queue, so a short wait here makes a storm last several times longer
 * (docs/performance.md, run AO). A lost connection ends the wait at once.
 */
export const JOIN_ANSWER_TIMEOUT_MS = 60_000;

/** Control characters, and the bidi embeddings, overrides and isolates ("Trojan Source"). */
const NAME_CONTROLS = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;

/**
 * A name (a person's, a room's) without the characters that have no place in one: control
 * characters, and the bidi controls that would reorder the text shown after it. The marks
 * that only say a direction (U+200E, U+200F) and joiners (emoji sequences) stay.
 *
 * @example withoutControls("Ada\u202E") // "Ada"
 */
export function withoutControls(name: string): string {
  return name.replace(/[\t\n\v\f\r\u0085]/g, " ").replace(NAME_CONTROLS, "");
}

/**
 * One spelling per emoji, so that "👍" and "👍\uFE0F" are one reaction: the emoji
 * variation selector is dropped after a character that is shown as an emoji anyway, and
 * kept where it makes the difference ("❤️" against the text-style "❤").
 */
export function normalizeEmoji(text: string): string {
  return /^\p{Emoji_Presentation}/u.test(text) ? text.replace(/\uFE0F/g, "") : text;
}

/**
 * Whether `text` is exactly one emoji: a single grapheme (as people see one character) that
 * is pictographic, a flag, or a keycap. Reactions must be one.
 *
 * @example
 * isSingleEmoji("👍🏽") // true
 * isSingleEmoji("👍👍") // false
 * isSingleEmoji("ok")   // false
 */
export function isSingleEmoji(text: string): boolean {
  if (text.length === 0 || text.length > LIMITS.reactionLength) return false;
  // Only what emoji are made of: no combining marks piled on, no invisible characters
  // (tag characters only in a subdivision flag such as England's).
  if (!/^(?:\p{Emoji}|\p{Emoji_Component})+$/u.test(text)) return false;
  if (/[\u{E0000}-\u{E007F}]/u.test(text) && !/^\u{1F3F4}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{1,7}\u{E007F}$/u.test(text)) return false;
  const graphemes = [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(text)];
  if (graphemes.length !== 1) return false;
  return /\p{Extended_Pictographic}|\p{Regional_Indicator}{2}|^[0-9#*]\uFE0F?\u20E3$/u.test(text);
}

/** Length in Unicode code points, so an emoji counts as one character, as people count. */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
