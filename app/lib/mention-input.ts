/**
 * Mentions in the composer: the person is written `@Name` while typing (what people read),
 * and sent as `<@userId>` (what the server stores, so that the mention follows the person,
 * not the name). Pure functions over the text; `app/components/composer.tsx` wires them.
 */
import { MENTION } from "@/server/contract/mentions";
import type { UserSummary } from "@/server/contract/model";

/** The most suggestions shown at once. */
export const MAX_SUGGESTIONS = 8;

/** The `@query` being typed just before the caret, if any: where it starts and what it says so far. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const match = /(^|\s)@([^\s@<>]{0,32})$/u.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: caret - match[2]!.length - 1, query: match[2]! };
}

/** The people whose name starts with (first) or contains the query, case-insensitively. */
export function suggestions(people: readonly UserSummary[], query: string): UserSummary[] {
  const q = query.toLocaleLowerCase();
  const named = people.map((p) => ({ p, name: p.name.toLocaleLowerCase() }));
  const starts = named.filter((n) => n.name.startsWith(q));
  const contains = named.filter((n) => !n.name.startsWith(q) && n.name.includes(q));
  return [...starts, ...contains].slice(0, MAX_SUGGESTIONS).map((n) => n.p);
}

/** Replaces the `@query` at `start` with `@Name ` and says where the caret goes. */
export function insertMention(text: string, at: { start: number; query: string }, person: UserSummary): { text: string; caret: number } {
  const before = text.slice(0, at.start);
  const after = text.slice(at.start + 1 + at.query.length);
  const inserted = `@${person.name} `;
  return { text: `${before}${inserted}${after.startsWith(" ") ? after.slice(1) : after}`, caret: before.length + inserted.length };
}

/**
 * `@Name` of each chosen person becomes `<@id>` (longer names first, so "Ada B" wins over
 * "Ada"); `@room` as a word becomes `<@room>` (everyone who follows the room).
 */
export function encodeMentions(text: string, chosen: readonly UserSummary[]): string {
  let out = text.replace(/(^|\s)@room(?![\p{L}\p{N}_])/gu, "$1<@room>");
  for (const person of [...chosen].sort((a, b) => b.name.length - a.name.length)) {
    out = out.split(`@${person.name}`).join(`<@${person.id}>`);
  }
  return out;
}

/** `<@id>` becomes `@Name` for the people known (editing a message shows names, not ids). */
export function decodeMentions(body: string, people: readonly UserSummary[]): string {
  const names = new Map(people.map((p) => [p.id, p.name]));
  return body.replace(MENTION, (token, id: string) => (id === "room" ? "@room" : names.has(id) ? `@${names.get(id)}` : token));
}
