// The statements that apply one message change, for both databases: the SQLite writer thread
// (sqlite/writer.worker.mjs, plain JavaScript) and PostgreSQL's writer
// (postgres/writer.ts) run the same SQL, with their own parameter markers.
//
// 1. The change row, with the room's next cseq, inserted only while its condition holds
//    (the message is in the room and not deleted; the actor wrote it, for an edit or a
//    deletion unless a moderator removes it; the reaction is absent, or present for unreact). A repeated
//    (actorId, clientChangeId) inserts nothing.
// 2. Its effect, applied only if step 1 inserted this change's id: the new text, the
//    tombstone (text, files, earlier edits' text and reactions gone), the reaction added or removed.
// 3. The stored change, read back by (actorId, clientChangeId), new or earlier.

/** Different emoji one message can carry (LIMITS.distinctReactions in server/contract/limits.ts; this file is plain JavaScript). */
export const DISTINCT_REACTIONS = 20;

/**
 * @param {"sqlite" | "postgresql"} dialect
 * @param {{ id: string, roomId: string, messageId: string, actor: { id: string }, clientChangeId: string, kind: string, body?: string, emoji?: string, moderated?: boolean }} c
 * @param {string} createdAt  an ISO-8601 timestamp as the database stores it
 * @returns {{ apply: Array<{ sql: string, params: unknown[] }>, read: { sql: string, params: unknown[] } }}
 */
export function changeStatements(dialect, c, createdAt) {
  const statement = (parts, ...values) => {
    let sql = parts[0];
    values.forEach((v, i) => {
      const marker = dialect === "sqlite" ? "?" : `$${i + 1}${v?.cast ?? ""}`;
      sql += marker + parts[i + 1];
    });
    return { sql, params: values.map((v) => (v && typeof v === "object" && "value" in v ? v.value : v)) };
  };
  const ts = { value: createdAt, cast: "::timestamp(3)" };
  const condition = {
    edit: (s) => s`m."authorId" = ${c.actor.id}`,
    // A moderator's removal (the domain checked their role): anyone's message in the room.
    delete: c.moderated ? (s) => s`1 = 1` : (s) => s`m."authorId" = ${c.actor.id}`,
    // Absent for this person, and either given already by someone or one of the message's
    // first DISTINCT_REACTIONS different emoji.
    react: (s) => s`NOT EXISTS (SELECT 1 FROM "Reaction" r WHERE r."messageId" = m."id" AND r."userId" = ${c.actor.id} AND r."emoji" = ${c.emoji})
      AND (EXISTS (SELECT 1 FROM "Reaction" r WHERE r."messageId" = m."id" AND r."emoji" = ${c.emoji})
        OR (SELECT COUNT(DISTINCT r."emoji") FROM "Reaction" r WHERE r."messageId" = m."id") < ${DISTINCT_REACTIONS})`,
    unreact: (s) => s`EXISTS (SELECT 1 FROM "Reaction" r WHERE r."messageId" = m."id" AND r."userId" = ${c.actor.id} AND r."emoji" = ${c.emoji})`,
  }[c.kind];
  if (!condition) throw new Error(`unknown change kind ${c.kind}`);
  // The condition is a fragment with markers of its own: rebuild it inside the insert.
  const insert = (() => {
    const head = statement`
      INSERT INTO "MessageChange" ("id", "roomId", "cseq", "messageId", "actorId", "clientChangeId", "kind", "body", "emoji", "createdAt")
      SELECT ${c.id}, m."roomId", COALESCE((SELECT MAX(x."cseq") FROM "MessageChange" x WHERE x."roomId" = m."roomId"), 0) + 1,
             m."id", ${c.actor.id}, ${c.clientChangeId}, ${c.kind}, ${c.body ?? null}, ${c.emoji ?? null}, ${ts}
      FROM "Message" m
      WHERE m."id" = ${c.messageId} AND m."roomId" = ${c.roomId} AND m."deletedAt" IS NULL AND `;
    const offset = head.params.length;
    const cond = condition((parts, ...values) => {
      let sql = parts[0];
      values.forEach((_v, i) => (sql += (dialect === "sqlite" ? "?" : `$${offset + i + 1}`) + parts[i + 1]));
      return { sql, params: values };
    });
    return { sql: `${head.sql}${cond.sql}\n      ON CONFLICT ("actorId", "clientChangeId") DO NOTHING`, params: [...head.params, ...cond.params] };
  })();
  const inserted = c.id; // "this change was inserted": EXISTS (… "id" = <this change's id>)
  const effects = {
    edit: [
      statement`UPDATE "Message" SET "body" = ${c.body}, "editedAt" = ${ts}
        WHERE "id" = ${c.messageId} AND EXISTS (SELECT 1 FROM "MessageChange" WHERE "id" = ${inserted})`,
    ],
    delete: [
      statement`UPDATE "Message" SET "body" = '', "attachments" = NULL, "deletedAt" = ${ts}, "deletedById" = ${c.actor.id}
        WHERE "id" = ${c.messageId} AND EXISTS (SELECT 1 FROM "MessageChange" WHERE "id" = ${inserted})`,
      // Its files are served to nobody from this commit on; the sweep removes them.
      statement`UPDATE "StoredFile" SET "deletedAt" = ${ts}
        WHERE "messageId" = ${c.messageId} AND EXISTS (SELECT 1 FROM "MessageChange" WHERE "id" = ${inserted})`,
      statement`UPDATE "MessageChange" SET "body" = NULL
        WHERE "messageId" = ${c.messageId} AND EXISTS (SELECT 1 FROM "MessageChange" WHERE "id" = ${inserted})`,
      statement`DELETE FROM "Reaction"
        WHERE "messageId" = ${c.messageId} AND EXISTS (SELECT 1 FROM "MessageChange" WHERE "id" = ${inserted})`,
    ],
    react: [
      statement`INSERT INTO "Reaction" ("messageId", "userId", "emoji", "createdAt")
        SELECT ${c.messageId}, ${c.actor.id}, ${c.emoji}, ${ts}
        WHERE EXISTS (SELECT 1 FROM "MessageChange" WHERE "id" = ${inserted})
        ON CONFLICT DO NOTHING`,
    ],
    unreact: [
      statement`DELETE FROM "Reaction"
        WHERE "messageId" = ${c.messageId} AND "userId" = ${c.actor.id} AND "emoji" = ${c.emoji}
          AND EXISTS (SELECT 1 FROM "MessageChange" WHERE "id" = ${inserted})`,
    ],
  }[c.kind];
  const read = statement`
    SELECT c."id", c."roomId", c."cseq", c."messageId", m."seq" AS "messageSeq", c."actorId", u."name" AS "actorName",
           c."clientChangeId", c."kind", c."body", c."emoji", c."createdAt"
    FROM "MessageChange" c JOIN "User" u ON u."id" = c."actorId" JOIN "Message" m ON m."id" = c."messageId"
    WHERE c."actorId" = ${c.actor.id} AND c."clientChangeId" = ${c.clientChangeId}`;
  return { apply: [insert, ...effects], read };
}
