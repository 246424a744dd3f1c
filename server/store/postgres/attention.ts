import type pg from "pg";
import { runPrepared } from "./pool";
import { ATTENTION_SQL, SqlAttentionStore, type AttentionStatement } from "../sql/attention";

/** Follows and read positions on PostgreSQL: the shared statements, on the read pool. */
export class PostgresAttentionStore extends SqlAttentionStore {
  constructor(private readonly pool: pg.Pool) {
    super();
  }

  protected async write(statement: AttentionStatement, args: unknown[]): Promise<void> {
    await runPrepared(this.pool, ATTENTION_SQL[statement], args);
  }

  protected async read<R>(statement: AttentionStatement, args: unknown[]): Promise<R[]> {
    return (await runPrepared(this.pool, ATTENTION_SQL[statement], args)).rows as R[];
  }

  close(): void {}
}
