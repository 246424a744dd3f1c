import type { Db } from "../prisma/client";
import type { EngineStore } from "../open-store";
import { SqliteAttentionStore } from "./attention";
import { SqliteMessageStore, type SqliteWriterHooks } from "./messages";
import { SqliteRoomStore } from "./rooms";
import { SqliteSearchStore } from "./search";
import { DiskFileStore } from "../disk/file-store";
import { SqliteRoleStore } from "./roles";
import { PrismaFileRepository } from "../prisma/files";
import { PrismaPushSubscriptionStore } from "../prisma/push-subscriptions";
import { PrismaTokenStore } from "../prisma/tokens";
import { SqliteSessionStore } from "./sessions";
import { SqliteSanctionStore } from "./sanctions";
import { PrismaAddressStore } from "../prisma/addresses";
import { PrismaReportStore } from "../prisma/reports";
import { PrismaPurgeStore } from "../prisma/purges";
import { PrismaGuestStore, PrismaSettingsStore } from "../prisma/settings";
import { PrismaAuditStore } from "../prisma/sanctions";

export type { SearchIndexStep, SqliteWriterHooks } from "./messages";

/**
 * Every port on one SQLite file: better-sqlite3 statements for what every join, handshake
 * and page reads, a writer thread for appends and changes, a search thread for FTS5, and
 * Prisma's client (`db`) for the cold paths. An in-memory database would be a different one
 * on every connection (and the migrator's): the store needs a file.
 */
export function sqliteStore(db: Db, file: string, options: { filesDir: string } & SqliteWriterHooks): EngineStore {
  if (file === ":memory:" || file === "") throw new Error("the SQLite store needs a database file, not SQLite in memory");
  const messages = new SqliteMessageStore(file, options);
  const rooms = new SqliteRoomStore(db, file);
  const attention = new SqliteAttentionStore(db, file);
  const search = new SqliteSearchStore(file);
  const sessions = new SqliteSessionStore(db, file);
  const sanctions = new SqliteSanctionStore(db, file);
  const roles = new SqliteRoleStore(db, file);
  return {
    roles,
    sanctions,
    audit: new PrismaAuditStore(db),
    addresses: new PrismaAddressStore(db),
    reports: new PrismaReportStore(db),
    purges: new PrismaPurgeStore(db),
    settings: new PrismaSettingsStore(db),
    guests: new PrismaGuestStore(db),
    rooms,
    messages,
    attention,
    search,
    files: new PrismaFileRepository(db),
    fileBytes: new DiskFileStore(options.filesDir),
    sessions,
    tokens: new PrismaTokenStore(db),
    pushSubscriptions: new PrismaPushSubscriptionStore(db),
    close: async () => {
      search.close();
      await messages.close();
      rooms.close();
      attention.close();
      sessions.close();
      sanctions.close();
      roles.close();
    },
  };
}
