import type pg from "pg";
import { ATTENTION_SQL, SqlAttentionStore, type AttentionStatement } from "../sql/attention";

/** Follows and read positions on PostgreSQL: the shared statements, on the read pool. */
export class PostgresAttentionStore extends SqlAttentionStore {
  constructor(private readonly pool: pg.Pool) {
    super();
  }

  protected async write(statement: AttentionStatement, args: unknown[]): Promise<void> {
    await this.pool.query(ATTENTION_SQL[statement], args);
  }

  protected async read<R>(statement: AttentionStatement, args: unknown[]): Promise<R[]> {
    return (await this.pool.query(ATTENTION_SQL[statement], args)).rows as R[];
  }

  close(): void {}
}
