import type { EngineStore } from "../open-store";
import type { Db } from "../prisma/client";
import { PostgresRoleStore } from "./roles";
import { PrismaFileRepository } from "../prisma/files";
import { PrismaPushSubscriptionStore } from "../prisma/push-subscriptions";
import { PrismaTokenStore } from "../prisma/tokens";
import { PostgresAttentionStore } from "./attention";
import { PostgresRoomStore } from "./rooms";
import { PostgresSessionStore } from "./sessions";
import { PostgresMessageStore } from "./messages";
import { PostgresFileStore } from "./file-store";
import { openPool } from "./pool";
import { PostgresSearchStore } from "./search";
import { PostgresSanctionStore } from "./sanctions";
import { PrismaAddressStore } from "../prisma/addresses";
import { PrismaReportStore } from "../prisma/reports";
import { PrismaPurgeStore } from "../prisma/purges";
import { PrismaGuestStore, PrismaSettingsStore } from "../prisma/settings";
import { PrismaAuditStore } from "../prisma/sanctions";

/** Connections for the hot reads (pages, catch-up, read positions, search). */
const READ_POOL_SIZE = 8;

/**
 * Every port on PostgreSQL: appends and changes group-committed per room on a `pg` pool of
 * their own (writer.ts); message pages, catch-up, read positions and search on a `pg` read
 * pool, as flat rows, and so are the room and session reads every join and handshake makes;
 * Prisma's client (`db`) for the cold paths (room and session writes, tokens, push
 * subscriptions).
 */
export function postgresStore(db: Db, databaseUrl: string): EngineStore {
  const reads = openPool(databaseUrl, READ_POOL_SIZE);
  const messages = new PostgresMessageStore(reads, databaseUrl);
  const fileBytes = new PostgresFileStore(databaseUrl);
  return {
    roles: new PostgresRoleStore(db, reads),
    sanctions: new PostgresSanctionStore(db, reads),
    audit: new PrismaAuditStore(db),
    addresses: new PrismaAddressStore(db),
    reports: new PrismaReportStore(db),
    purges: new PrismaPurgeStore(db),
    settings: new PrismaSettingsStore(db),
    guests: new PrismaGuestStore(db),
    rooms: new PostgresRoomStore(db, reads),
    messages,
    attention: new PostgresAttentionStore(reads),
    search: new PostgresSearchStore(reads),
    files: new PrismaFileRepository(db),
    fileBytes,
    sessions: new PostgresSessionStore(db, reads),
    tokens: new PrismaTokenStore(db),
    pushSubscriptions: new PrismaPushSubscriptionStore(db),
    close: async () => {
      await messages.close();
      await fileBytes.close();
      await reads.end();
    },
  };
}
