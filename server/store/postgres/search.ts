import { InvalidCursorError, SearchTooBroadError, type SearchHit, type SearchRepository, type SearchRequest } from "../ports";
import type pg from "pg";
import { toHit, type SearchRow } from "../sql/rows";
import { likePattern } from "../sql/like.mjs";

/** How long one search may run on PostgreSQL before it is answered "too broad". */
const SEARCH_TIMEOUT_MS = 1500;

const iso = (t: string | number | Date) => new Date(t).toISOString();

/**
 * Message search on PostgreSQL: `ILIKE` per term on the message text, served by a pg_trgm
 * GIN index (the migrations `*_message_search`) for rare terms, or by walking the messages
 * newest first (`*_message_search_newest_first`) and stopping at the page's end for common
 * ones: the planner picks, from the terms' and the rooms' estimated shares. The rooms to
 * look in come from the domain, which decides who may read what.
 */
export class PostgresSearchStore implements SearchRepository {
  constructor(private readonly reads: pg.Pool) {}

  close(): void {}

  async search(request: SearchRequest): Promise<{ hits: SearchHit[]; next: string | null }> {
    if (request.roomIds.length === 0 || (request.terms.length === 0 && request.authorName === undefined)) return { hits: [], next: null };
    const params: unknown[] = [request.roomIds];
    const where = [`m."roomId" = ANY($1::text[])`, `m."deletedAt" IS NULL`];
    for (const term of request.terms) {
      params.push(likePattern(term));
      where.push(`m."body" ILIKE $${params.length} ESCAPE '\\'`);
    }
    if (request.authorName !== undefined) {
      params.push(request.authorName);
      where.push(`lower(u."name") = lower($${params.length})`);
    }
    if (request.cursor !== undefined) {
      // "<createdAt ISO>|<id>": the last result of the previous page.
      const [at, id] = request.cursor.split("|");
      if (!at || !id || Number.isNaN(Date.parse(at))) throw new InvalidCursorError();
      params.push(at, id);
      where.push(`(m."createdAt", m."id") < (CAST($${params.length - 1} AS timestamp(3)), $${params.length})`);
    }
    params.push(request.limit + 1);
    // A term under three characters has no trigram: no index can serve it, and the planner,
    // with no estimate of how often it occurs, reads every message and sorts them (400 ms at a
    // million) even when the newest matches are a few thousand messages back. When no term can
    // use the trigram index, the messages are walked newest first (Message_newest_idx) and the
    // walk stops at the page's end: 16 ms for "ok" (docs/performance.md, run AB). A search that
    // still reads every candidate (a short term with no match, `from:` alone over a prolific
    // author) is bounded in time, so that it cannot hold a connection and the database's CPU
    // for seconds.
    const walk = request.terms.length > 0 && request.terms.every((term) => [...term].length < 3);
    const rows = await this.inTimeout(
      walk ? ["SET LOCAL enable_seqscan = off", "SET LOCAL enable_bitmapscan = off"] : [],
      `SELECT m."id", m."roomId", m."seq", m."authorId", u."name" AS "authorName", m."body", m."createdAt", m."editedAt"
       FROM "Message" m JOIN "User" u ON u."id" = m."authorId"
       WHERE ${where.join(" AND ")}
       ORDER BY m."createdAt" DESC, m."id" DESC LIMIT $${params.length}`,
      params,
    ).catch((err: unknown) => {
      // 57014: query_canceled (the statement timeout).
      if (/57014|statement timeout|canceling statement/i.test(`${(err as { code?: string }).code ?? ""} ${(err as Error).message}`)) throw new SearchTooBroadError();
      throw err;
    });
    const more = rows.length > request.limit;
    const page = rows.slice(0, request.limit);
    const last = page.at(-1);
    // The cursor keeps the stored precision (milliseconds), in UTC like the column.
    return { hits: page.map(toHit), next: more && last ? `${iso(last.createdAt).replace("Z", "")}|${last.id}` : null };
  }

  /** One statement under SEARCH_TIMEOUT_MS (and the planner's `settings`), on a connection of the read pool, in a transaction of its own. */
  private async inTimeout(settings: string[], sql: string, params: unknown[]): Promise<SearchRow[]> {
    const client = await this.reads.connect();
    let broken: unknown;
    try {
      await client.query([`BEGIN`, `SET LOCAL statement_timeout = ${SEARCH_TIMEOUT_MS}`, ...settings].join("; "));
      const { rows } = await client.query<SearchRow>(sql, params);
      await client.query("COMMIT");
      return rows;
    } catch (err) {
      await client.query("ROLLBACK").catch((e: unknown) => (broken = e));
      throw err;
    } finally {
      // A connection that could not roll back is not given back to the pool.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }
}
