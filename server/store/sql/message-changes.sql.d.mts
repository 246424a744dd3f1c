/** Types for message-changes.sql.mjs (plain JavaScript, shared with the SQLite writer thread). */
/** Different emoji one message can carry (LIMITS.distinctReactions). */
export const DISTINCT_REACTIONS: number;
export function changeStatements(
  dialect: "sqlite" | "postgresql",
  change: { id: string; roomId: string; messageId: string; actor: { id: string }; clientChangeId: string; kind: string; body?: string; emoji?: string },
  createdAt: string,
): { apply: Array<{ sql: string; params: unknown[] }>; read: { sql: string; params: unknown[] } };
