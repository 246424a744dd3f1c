import { InvalidCursorError, SearchTooBroadError, type SearchHit, type SearchRepository, type SearchRequest } from "../repositories";
import { providerOf, sqliteFileOf, type Db } from "./client";
import { likePattern, validCursor } from "./sqlite-search.sql.mjs";
import { WorkerThread } from "./worker-thread";

type Row = {
  id: string;
  roomId: string;
  seq: number;
  authorId: string;
  authorName: string;
  body: string;
  createdAt: string | number | Date;
  editedAt: string | number | Date | null;
};

const iso = (t: string | number | Date) => new Date(t).toISOString();

const toHit = (r: Row): SearchHit => ({
  id: r.id,
  roomId: r.roomId,
  seq: Number(r.seq),
  author: { id: r.authorId, name: r.authorName },
  body: r.body,
  createdAt: iso(r.createdAt),
  ...(r.editedAt ? { editedAt: iso(r.editedAt) } : {}),
});

const badCursor = () => new InvalidCursorError();

/** How long one search may run on PostgreSQL before it is answered "too broad". */
const SEARCH_TIMEOUT_MS = 1500;


/**
 * Message search on either database (the port is `SearchRepository`; the index is made by
 * the migrations `*_message_search`):
 *
 * - SQLite: FTS5 with the trigram tokenizer, kept in step by triggers on "Message". The
 *   statement (sqlite-search.sql.mjs) runs on a thread of its own
 *   (sqlite-search.worker.mjs), so that a search never stalls the event loop.
 * - PostgreSQL: `ILIKE` per term on the message text, served by a pg_trgm GIN index.
 *
 * Both take the rooms to look in from the domain, which decides who may read what.
 */
export class PrismaSearchRepository implements SearchRepository {
  /** SQLite: the thread that runs the search statement (absent on PostgreSQL). */
  private readonly searcher: WorkerThread<{ resolve: (rows: Row[]) => void; reject: (e: Error) => void }> | undefined;

  constructor(private readonly db: Db) {
    const file = providerOf(db) === "sqlite" ? sqliteFileOf(db) : undefined;
    if (!file) return;
    this.searcher = new WorkerThread(new URL("./sqlite-search.worker.mjs", import.meta.url), { file }, "the SQLite search thread", (data) => {
      const reply = data as { id: number; rows?: Row[]; error?: { message: string; code?: string } };
      const p = this.searcher?.take(reply.id);
      if (reply.error) p?.reject(Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {}));
      else p?.resolve(reply.rows ?? []);
    });
  }

  async search(request: SearchRequest): Promise<{ hits: SearchHit[]; next: string | null }> {
    if (request.roomIds.length === 0 || (request.terms.length === 0 && request.authorName === undefined)) return { hits: [], next: null };
    return providerOf(this.db) === "postgresql" ? this.searchPostgres(request) : this.searchSqlite(request);
  }

  close(): void {
    this.searcher?.close(new Error("the search index is closed"));
  }

  private async searchSqlite(request: SearchRequest) {
    if (request.cursor !== undefined && !validCursor(request.cursor)) throw badCursor();
    const rows = (await this.ask(request)) as Array<Row & { rid: number }>;
    const more = rows.length > request.limit;
    const page = rows.slice(0, request.limit);
    return { hits: page.map(toHit), next: more ? String(page.at(-1)!.rid) : null };
  }

  private async searchPostgres(request: SearchRequest) {
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
      if (!at || !id || Number.isNaN(Date.parse(at))) throw badCursor();
      params.push(at, id);
      where.push(`(m."createdAt", m."id") < (CAST($${params.length - 1} AS timestamp(3)), $${params.length})`);
    }
    params.push(request.limit + 1);
    // A term the trigram index cannot serve (under three characters), or `from:` alone over a
    // prolific author, reads every candidate: bounded in time, so that one search cannot hold
    // a connection and the database's CPU for seconds.
    const [, rows] = await this.db
      .$transaction([
        this.db.$executeRawUnsafe(`SET LOCAL statement_timeout = ${SEARCH_TIMEOUT_MS}`),
        this.db.$queryRawUnsafe<Row[]>(
          `SELECT m."id", m."roomId", m."seq", m."authorId", u."name" AS "authorName", m."body", m."createdAt", m."editedAt"
           FROM "Message" m JOIN "User" u ON u."id" = m."authorId"
           WHERE ${where.join(" AND ")}
           ORDER BY m."createdAt" DESC, m."id" DESC LIMIT $${params.length}`,
          ...params,
        ),
      ])
      .catch((err: unknown) => {
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

  private ask(request: SearchRequest): Promise<Row[]> {
    const searcher = this.searcher;
    if (!searcher) return Promise.reject(new Error("search on SQLite needs a database file"));
    if (searcher.closed) return Promise.reject(searcher.closed);
    return new Promise((resolve, reject) => searcher.post({ id: searcher.wait({ resolve, reject }), request }));
  }
}
