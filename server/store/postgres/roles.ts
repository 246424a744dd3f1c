import type pg from "pg";
import type { DirectoryEntry } from "../ports";
import type { Db } from "../prisma/client";
import { PrismaRoleStore } from "../prisma/roles";
import { runPrepared } from "./pool";
import { DIRECTORY_SQL, directoryPattern, toDirectoryEntry, type DirectoryRow } from "../sql/directory";

/** Roles on PostgreSQL: the administration page's search of people on the read pool; the rest through Prisma. */
export class PostgresRoleStore extends PrismaRoleStore {
  constructor(
    db: Db,
    private readonly pool: pg.Pool,
  ) {
    super(db);
  }

  override async directory(filter: { query: string; offset: number; limit: number }): Promise<DirectoryEntry[]> {
    const { rows } = await runPrepared<DirectoryRow>(this.pool, DIRECTORY_SQL, [directoryPattern(filter.query), filter.limit, filter.offset]);
    return rows.map(toDirectoryEntry);
  }
}
