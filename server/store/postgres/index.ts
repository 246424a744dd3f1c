import type { EngineStore } from "../open-store";
import type { Db } from "../prisma/client";
import { PrismaRoomStore } from "../prisma/rooms";
import { PrismaPushSubscriptionStore } from "../prisma/push-subscriptions";
import { PrismaSessionStore } from "../prisma/sessions";
import { PrismaTokenStore } from "../prisma/tokens";
import { PostgresAttentionStore } from "./attention";
import { PostgresMessageStore } from "./messages";
import { PostgresSearchStore } from "./search";

/**
 * Every port on PostgreSQL: appends and changes group-committed per room on a `pg` pool of
 * their own (writer.ts), the trigram search, and Prisma's client (`db`) for the rest.
 */
export function postgresStore(db: Db, databaseUrl: string): EngineStore {
  const messages = new PostgresMessageStore(db, databaseUrl);
  return {
    rooms: new PrismaRoomStore(db),
    messages,
    attention: new PostgresAttentionStore(db),
    search: new PostgresSearchStore(db),
    sessions: new PrismaSessionStore(db),
    tokens: new PrismaTokenStore(db),
    pushSubscriptions: new PrismaPushSubscriptionStore(db),
    close: () => messages.close(),
  };
}
