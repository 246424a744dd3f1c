import type Database from "better-sqlite3";
import type { DirectoryEntry } from "../ports";
import type { Db } from "../prisma/client";
import { PrismaRoleStore } from "../prisma/roles";
import { DIRECTORY_SQL, directoryPattern, toDirectoryEntry, type DirectoryRow } from "../sql/directory";
import { positional } from "./attention";
import { sharedReadConnection } from "./reader";

/** Roles on SQLite: the administration page's search of people on the shared read connection; the rest through Prisma. */
export class SqliteRoleStore extends PrismaRoleStore {
  private readonly reads: { sqlite: Database.Database; release(): void };
  private readonly statement: Database.Statement<unknown[], DirectoryRow>;
  private readonly order: number[];

  constructor(db: Db, file: string) {
    super(db);
    this.reads = sharedReadConnection(file);
    const { text, order } = positional(DIRECTORY_SQL);
    this.statement = this.reads.sqlite.prepare(text);
    this.order = order;
  }

  override async directory(filter: { query: string; offset: number; limit: number }): Promise<DirectoryEntry[]> {
    const args = [directoryPattern(filter.query), filter.limit, filter.offset];
    return this.statement.all(...this.order.map((i) => args[i])).map(toDirectoryEntry);
  }

  close(): void {
    this.reads.release();
  }
}
