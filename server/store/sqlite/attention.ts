import type Database from "better-sqlite3";
import type { Db } from "../prisma/client";
import { ATTENTION_SQL, SqlAttentionStore, type AttentionStatement } from "../sql/attention";
import { sharedReadConnection } from "./reader";

/**
 * A statement in `$n` placeholders as better-sqlite3 takes it (`?`, positional): the text,
 * and for each `?` the index of its argument.
 */
export function positional(text: string): { text: string; order: number[] } {
  const order: number[] = [];
  return { text: text.replace(/\$(\d+)/g, (_, n: string) => (order.push(Number(n) - 1), "?")), order };
}

/**
 * Follows and read positions on SQLite. Reads are prepared statements on the shared read
 * connection (reader.ts; a join reads the user's read position every time, ~20 µs where
 * Prisma costs ~0.5 ms of the event loop); writes go through Prisma's connection.
 */
export class SqliteAttentionStore extends SqlAttentionStore {
  private readonly reads: { sqlite: Database.Database; release(): void };
  private readonly prepared = new Map<AttentionStatement, { statement: Database.Statement<unknown[]>; order: number[] }>();

  constructor(
    private readonly db: Db,
    file: string,
  ) {
    super();
    this.reads = sharedReadConnection(file);
  }

  protected async write(statement: AttentionStatement, args: unknown[]): Promise<void> {
    const { text, order } = positional(ATTENTION_SQL[statement]);
    await this.db.$executeRawUnsafe(text, ...order.map((i) => args[i]));
  }

  protected async read<R>(statement: AttentionStatement, args: unknown[]): Promise<R[]> {
    let entry = this.prepared.get(statement);
    if (!entry) {
      const { text, order } = positional(ATTENTION_SQL[statement]);
      this.prepared.set(statement, (entry = { statement: this.reads.sqlite.prepare(text), order }));
    }
    return entry.statement.all(...entry.order.map((i) => args[i])) as R[];
  }

  close(): void {
    this.reads.release();
  }
}
