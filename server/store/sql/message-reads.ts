/**
 * The message reads' SQL, shared by both engines' stores up to their WHERE clauses (which
 * differ in placeholders, and in how a list of ids is passed: a JSON array on SQLite, a
 * `text[]` on PostgreSQL). Every statement reads flat rows (`rows.ts`): the author's name
 * (and, for whole messages, their avatar) joined in, one mapping for both engines.
 */

/** A message row (`MessageRow`), `m` the message. */
export const MESSAGE_SELECT = `
  SELECT m."id", m."roomId", m."seq", m."clientId", m."body", m."createdAt", m."authorId", u."name" AS "authorName", u."image" AS "authorImage",
         m."editedAt", m."deletedAt", m."deletedById", m."replyToId", m."attachments"
  FROM "Message" m JOIN "User" u ON u."id" = m."authorId"`;

/** A reaction row (`ReactionRow`), `r` the reaction; ordered by the caller. */
export const REACTION_SELECT = `
  SELECT r."messageId", r."emoji", r."userId", u."name" AS "userName"
  FROM "Reaction" r JOIN "User" u ON u."id" = r."userId"`;

/** A replied-to message as its quote needs it (`OriginalRow`). */
export const ORIGINAL_SELECT = `
  SELECT m."id", m."seq", m."body", m."deletedAt", m."authorId", u."name" AS "authorName", m."attachments"
  FROM "Message" m JOIN "User" u ON u."id" = m."authorId"`;

/** A change row (`ChangeRow`), `c` the change. */
export const CHANGE_SELECT = `
  SELECT c."id", c."roomId", c."cseq", c."messageId", m."seq" AS "messageSeq", c."actorId", u."name" AS "actorName",
         c."clientChangeId", c."kind", c."body", c."emoji", c."createdAt"
  FROM "MessageChange" c JOIN "User" u ON u."id" = c."actorId" JOIN "Message" m ON m."id" = c."messageId"`;

/** What a change needs to know of its message (`MessageRef`, with `deletedAt`). */
export const REF_SELECT = `
  SELECT m."id", m."roomId", m."seq", m."authorId", u."name" AS "authorName", m."body", m."deletedAt", m."attachments"
  FROM "Message" m JOIN "User" u ON u."id" = m."authorId"`;
