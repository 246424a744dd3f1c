import { likePattern } from "../sql/like.mjs";

// The SQLite search statement for one request (plain JavaScript: the search thread,
// search.worker.mjs, imports it, and so does the test of its SQL).
//
// Terms of three characters or more go to the FTS5 trigram index ("MessageSearch") as
// quoted strings (a quote inside is doubled): FTS5 sees only literal text, never an
// operator. Shorter terms cannot use trigrams; they are matched with LIKE (every `%`, `_`
// and `\` escaped). Newest first by the message's rowid, which grows with every insert.
//
// Over many rooms the room filter is written `+m."roomId"`, so that SQLite does not answer
// through the (roomId, seq) index: with a thousand rooms that reads every message of them
// and sorts them all (4.5 s for a two-letter term over a million messages), where walking
// rowids from the newest stops at the page's end (1 ms). Over a few rooms the index is the
// shorter way (a common word in one room of a thousand: 32 against 85 ms).
export const FEW_ROOMS = 10;

const ftsString = (term) => `"${term.replace(/"/g, '""')}"`;

/**
 * @param {{ roomIds: string[], terms: string[], authorName?: string, cursor?: string, limit: number }} request
 * @returns {{ sql: string, params: unknown[] }}
 */
export function searchStatement(request) {
  const long = request.terms.filter((t) => [...t].length >= 3);
  const short = request.terms.filter((t) => [...t].length < 3);
  const before = request.cursor === undefined ? Number.MAX_SAFE_INTEGER : Number(request.cursor);
  const where = [];
  const params = [];
  let from;
  let rowid;
  if (long.length > 0) {
    from = `"MessageSearch" s JOIN "Message" m ON m."rowid" = s."rowid"`;
    rowid = `s."rowid"`;
    where.push(`"MessageSearch" MATCH ?`);
    params.push(long.map(ftsString).join(" "));
  } else {
    from = `"Message" m`;
    rowid = `m."rowid"`;
  }
  where.push(`${rowid} < ?`);
  params.push(before);
  if (long.length === 0 && short.length > 0) where.push(`m."rowid" > (SELECT COALESCE(MAX("rowid"), 0) FROM "Message") - ${SHORT_TERMS_WINDOW}`);
  // A few rooms (one room's search, in:): through the room index; many: newest first.
  where.push(`${request.roomIds.length <= FEW_ROOMS ? "" : "+"}m."roomId" IN (SELECT value FROM json_each(?))`, `m."deletedAt" IS NULL`);
  params.push(JSON.stringify(request.roomIds));
  if (request.authorName !== undefined) {
    where.push(`u."name" = ? COLLATE NOCASE`);
    params.push(request.authorName);
  }
  for (const term of short) {
    where.push(`m."body" LIKE ? ESCAPE '\\'`);
    params.push(likePattern(term));
  }
  params.push(request.limit + 1);
  const sql = `
    SELECT ${rowid} AS "rid", m."id", m."roomId", m."seq", m."authorId", u."name" AS "authorName", m."body", m."createdAt", m."editedAt"
    FROM ${from} JOIN "User" u ON u."id" = m."authorId"
    WHERE ${where.join(" AND ")}
    ORDER BY ${rowid} DESC LIMIT ?`;
  return { sql, params };
}

/**
 * A query made only of terms under three characters cannot use the trigram index: it looks
 * through this many of the newest messages (of every room; about 50 ms here), not the whole
 * history.
 */
export const SHORT_TERMS_WINDOW = 100_000;

/**
 * A search in a few rooms holding at most this many messages together reads those rooms'
 * messages, newest first, and checks their text itself (`scanStatement`): FTS5 would hand
 * over every message in the whole database that holds the word, newest first, and a room
 * of a thousand gets a thousandth of them (a common word in one room of a million messages:
 * 34 ms warm, 90–115 ms cold, against a few ms read straight).
 */
export const ROOM_SCAN_MAX = 5_000;

/**
 * The messages of `roomIds`, newest first, below the cursor: for `matches` to check. With
 * `pending`, only those not yet in the index (noted in "MessageSearchPending" until the writer
 * thread indexes them, a fraction of a second after their commit): a search through the index
 * reads these beside it, so that it finds a message from its commit on.
 */
export function scanStatement(request, { pending = false } = {}) {
  const before = request.cursor === undefined ? Number.MAX_SAFE_INTEGER : Number(request.cursor);
  // The pending notes are few and drive the join (CROSS JOIN keeps that order; `+` keeps
  // SQLite off the room index, which would read every message of the rooms instead).
  const where = [`${pending ? "+" : ""}m."roomId" IN (SELECT value FROM json_each(?))`, `m."deletedAt" IS NULL`, `${pending ? "p" : "m"}."rowid" < ?`];
  const params = [JSON.stringify(request.roomIds), before];
  if (request.authorName !== undefined) {
    where.push(`u."name" = ? COLLATE NOCASE`);
    params.push(request.authorName);
  }
  const sql = `
    SELECT m."rowid" AS "rid", m."id", m."roomId", m."seq", m."authorId", u."name" AS "authorName", m."body", m."createdAt", m."editedAt"
    FROM ${pending ? `"MessageSearchPending" p CROSS JOIN "Message" m ON m."rowid" = p."rowid"` : `"Message" m`} JOIN "User" u ON u."id" = m."authorId"
    WHERE ${where.join(" AND ")}
    ORDER BY ${pending ? "p" : "m"}."rowid" DESC`;
  return { sql, params };
}

/** Whether a search reads the trigram index (a term of three characters or more). */
export const usesIndex = (request) => request.terms.some((t) => [...t].length >= 3);

/**
 * One page from two lists, each newest first (the index's matches and the pending messages'):
 * newest first, each message once, `limit + 1` at most (the extra one says there is more).
 */
export function mergeNewestFirst(a, b, limit) {
  const seen = new Set();
  return [...a, ...b]
    .sort((x, y) => y.rid - x.rid)
    .filter((row) => !seen.has(row.rid) && seen.add(row.rid))
    .slice(0, limit + 1);
}

/** Whether a message's text holds every term, case ignored (as the trigram index matches). */
export function matches(body, terms) {
  const text = body.toLowerCase();
  return terms.every((t) => text.includes(t.toLowerCase()));
}

/** Whether a search goes through `scanStatement`: a few rooms, with few messages together. */
export const scansRooms = (request, messagesIn) => request.terms.length > 0 && request.roomIds.length <= FEW_ROOMS && messagesIn <= ROOM_SCAN_MAX;

/** Whether a cursor is one this store hands out (a rowid). */
export const validCursor = (cursor) => /^\d{1,16}$/.test(cursor);
