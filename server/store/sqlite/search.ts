import { InvalidCursorError, type SearchHit, type SearchRepository, type SearchRequest } from "../ports";
import { toHit, type SearchRow } from "../sql/rows";
import { validCursor } from "./search.sql.mjs";
import { WorkerThread } from "./worker-thread";

/**
 * Message search on SQLite: FTS5 with the trigram tokenizer (the migrations
 * `*_message_search`), kept in step by triggers on "Message". The statement (search.sql.mjs)
 * runs on a thread of its own (search.worker.mjs), so that a search never stalls the event
 * loop. The rooms to look in come from the domain, which decides who may read what.
 */
export class SqliteSearchStore implements SearchRepository {
  private readonly searcher: WorkerThread<{ resolve: (rows: Array<SearchRow & { rid: number }>) => void; reject: (e: Error) => void }>;

  constructor(file: string) {
    this.searcher = new WorkerThread(new URL("./search.worker.mjs", import.meta.url), { file }, "the SQLite search thread", (data) => {
      const reply = data as { id: number; rows?: Array<SearchRow & { rid: number }>; error?: { message: string; code?: string } };
      const p = this.searcher.take(reply.id);
      if (reply.error) p?.reject(Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {}));
      else p?.resolve(reply.rows ?? []);
    });
  }

  async search(request: SearchRequest): Promise<{ hits: SearchHit[]; next: string | null }> {
    if (request.roomIds.length === 0 || (request.terms.length === 0 && request.authorName === undefined)) return { hits: [], next: null };
    if (request.cursor !== undefined && !validCursor(request.cursor)) throw new InvalidCursorError();
    const rows = await this.ask(request);
    const more = rows.length > request.limit;
    const page = rows.slice(0, request.limit);
    return { hits: page.map(toHit), next: more ? String(page.at(-1)!.rid) : null };
  }

  close(): void {
    this.searcher.close(new Error("the search index is closed"));
  }

  private ask(request: SearchRequest): Promise<Array<SearchRow & { rid: number }>> {
    const searcher = this.searcher;
    if (searcher.closed) return Promise.reject(searcher.closed);
    return new Promise((resolve, reject) => searcher.post({ id: searcher.wait({ resolve, reject }), request }));
  }
}
