/**
 * Direct conversations: between exactly two people (or one person alone, as a notepad).
 *
 * A conversation's id is its pair: `dm.<a>.<b>`, the two user ids in code-unit order. It is
 * also its address (`/r/dm.<a>.<b>`), so that both people, any tab and an outbox written
 * offline name the same conversation before it exists, and at most one can ever exist per
 * pair: the id is the room table's primary key, so two first messages racing from both
 * sides create it once. Knowing the id grants nothing: only the two people may open it
 * (server/domain/room.service.ts); to anyone else it does not exist.
 *
 * @example
 * directRoomId("bob", "ada")   // "dm.ada.bob"
 * parseDirectRoomId("dm.ada.bob") // ["ada", "bob"]
 */
const PREFIX = "dm.";

/** The conversation between two users (the same whichever of them asks). */
export function directRoomId(a: string, b: string): string {
  const [x, y] = a <= b ? [a, b] : [b, a];
  return `${PREFIX}${x}.${y}`;
}

/** The pair a direct conversation's id names, or null for any other id. */
export function parseDirectRoomId(id: string): [string, string] | null {
  if (!id.startsWith(PREFIX)) return null;
  const parts = id.slice(PREFIX.length).split(".");
  if (parts.length !== 2) return null;
  const [a, b] = parts as [string, string];
  if (a.length === 0 || b.length === 0 || a > b) return null;
  return [a, b];
}

/** Whether a user id can be half of a direct conversation's id (no `.` in it). */
export const canHaveDirect = (userId: string): boolean => userId.length > 0 && !userId.includes(".");

/** The other person in a direct conversation, for `userId` (themselves in a notepad). */
export function peerOf(pair: readonly [string, string], userId: string): string {
  return pair[0] === userId ? pair[1] : pair[0];
}
