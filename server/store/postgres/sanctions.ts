import type pg from "pg";
import type { Sanction } from "../ports";
import type { Db } from "../prisma/client";
import { PrismaSanctionStore } from "../prisma/sanctions";
import { runPrepared } from "./pool";
import { inForce, SANCTIONS_IN_FORCE_SQL, type SanctionRow } from "../sql/sanctions";

/** Sanctions on PostgreSQL: the check every message and reaction makes on the read pool; the rest through Prisma. */
export class PostgresSanctionStore extends PrismaSanctionStore {
  constructor(
    db: Db,
    private readonly pool: pg.Pool,
  ) {
    super(db);
  }

  override async inForce(userId: string, roomId: string | null, now: Date): Promise<Sanction[]> {
    const { rows } = await runPrepared<SanctionRow>(this.pool, SANCTIONS_IN_FORCE_SQL, [userId, roomId ?? "*"]);
    return inForce(rows, now);
  }
}
