// The SQLite search statement for one request (plain JavaScript: the search thread,
// sqlite-search.worker.mjs, imports it, and so does the test of its SQL).
//
// Terms of three characters or more go to the FTS5 trigram index ("MessageSearch") as
// quoted strings (a quote inside is doubled): FTS5 sees only literal text, never an
// operator. Shorter terms cannot use trigrams; they are matched with LIKE (every `%`, `_`
// and `\` escaped). Newest first by the message's rowid, which grows with every insert.

const likePattern = (term) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
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
  where.push(`m."roomId" IN (SELECT value FROM json_each(?))`, `m."deletedAt" IS NULL`);
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

/** Whether a cursor is one this store hands out (a rowid). */
export const validCursor = (cursor) => /^\d{1,16}$/.test(cursor);
