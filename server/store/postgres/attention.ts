import type { Db } from "../prisma/client";
import { ATTENTION_SQL, SqlAttentionStore, type AttentionStatement } from "../sql/attention";

/** Follows and read positions on PostgreSQL: the shared statements, through Prisma's pool. */
export class PostgresAttentionStore extends SqlAttentionStore {
  constructor(private readonly db: Db) {
    super();
  }

  protected async write(statement: AttentionStatement, args: unknown[]): Promise<void> {
    await this.db.$executeRawUnsafe(ATTENTION_SQL[statement], ...args);
  }

  protected read<R>(statement: AttentionStatement, args: unknown[]): Promise<R[]> {
    return this.db.$queryRawUnsafe<R[]>(ATTENTION_SQL[statement], ...args);
  }

  close(): void {}
}
