import type { Sanction, SanctionKind } from "../ports";

/**
 * The one hot read of sanctions, for both engines (`$n` placeholders; SQLite's store turns them
 * into `?`): a user's mutes and bans on the instance and in one room, by the primary key.
 * Whether each is still in force is decided in JavaScript, whatever form the engine stores a
 * date in (as the handshake's session check does).
 */
export const SANCTIONS_IN_FORCE_SQL = `SELECT "userId", "scope", "kind", "until", "reason", "byId", "createdAt" FROM "Sanction" WHERE "userId" = $1 AND "scope" IN ($2, '*')`;

export type SanctionRow = { userId: string; scope: string; kind: string; until: string | number | Date | null; reason: string; byId: string | null; createdAt: string | number | Date };

/** The rows still in force at `now`, as the port returns them. */
export function inForce(rows: readonly SanctionRow[], now: Date): Sanction[] {
  return rows
    .map((r) => ({
      userId: r.userId,
      scope: r.scope,
      kind: r.kind as SanctionKind,
      until: r.until === null ? null : new Date(r.until),
      reason: r.reason,
      byId: r.byId,
      createdAt: new Date(r.createdAt),
    }))
    .filter((s) => s.until === null || s.until.getTime() > now.getTime());
}
