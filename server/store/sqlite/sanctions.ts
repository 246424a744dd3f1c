import type Database from "better-sqlite3";
import type { Sanction } from "../ports";
import type { Db } from "../prisma/client";
import { PrismaSanctionStore } from "../prisma/sanctions";
import { inForce, SANCTIONS_IN_FORCE_SQL, type SanctionRow } from "../sql/sanctions";
import { positional } from "./attention";
import { sharedReadConnection } from "./reader";

/**
 * Sanctions on SQLite: the check every message and reaction makes is a prepared statement on
 * the shared read connection (reader.ts; tens of µs, where Prisma costs ~0.5 ms of the event
 * loop); the rest through Prisma.
 */
export class SqliteSanctionStore extends PrismaSanctionStore {
  private readonly reads: { sqlite: Database.Database; release(): void };
  private readonly statement: Database.Statement<unknown[], SanctionRow>;
  private readonly order: number[];

  constructor(db: Db, file: string) {
    super(db);
    this.reads = sharedReadConnection(file);
    const { text, order } = positional(SANCTIONS_IN_FORCE_SQL);
    this.statement = this.reads.sqlite.prepare(text);
    this.order = order;
  }

  override async inForce(userId: string, roomId: string | null, now: Date): Promise<Sanction[]> {
    const args = [userId, roomId ?? "*"];
    return inForce(this.statement.all(...this.order.map((i) => args[i])), now);
  }

  close(): void {
    this.reads.release();
  }
}
