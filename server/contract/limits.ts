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
} as const;

/** Length in Unicode code points, so an emoji counts as one character, as people count. */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
