import type { Stores } from "../ports";
import { MemoryAddressRepository } from "./addresses";
import { MemoryReportRepository } from "./reports";
import { MemoryPurgeRepository } from "./purges";
import { MemoryGuestRepository, MemorySettingsRepository } from "./settings";
import { MemoryAccountData, MemoryPushSubscriptionStore, MemorySessionStore, MemoryTokenStore } from "./accounts";
import { MemoryAttentionRepository } from "./attention";
import { MemoryFileRepository, MemoryFileStore } from "./files";
import { MemoryMessageRepository } from "./messages";
import { MemoryRoleRepository } from "./roles";
import { MemoryAuditRepository, MemorySanctionRepository } from "./sanctions";
import { MemoryRoomRepository } from "./rooms";
import { MemorySearchRepository } from "./search";

export { MemoryFileRepository, MemoryFileStore };
export { MemoryAttentionRepository, MemoryMessageRepository, MemoryRoomRepository, MemorySearchRepository };

/** Every port in process, with the users and sessions tests make (`accounts`). */
export function memoryRepositories(): Stores & { rooms: MemoryRoomRepository; accounts: MemoryAccountData; files: MemoryFileRepository; roles: MemoryRoleRepository } {
  const rooms = new MemoryRoomRepository();
  const files = new MemoryFileRepository();
  const messages = new MemoryMessageRepository(files);
  const accounts = new MemoryAccountData();
  // One avatar per user, as the databases' user table has it.
  rooms.avatarOf = accounts.avatarOf = (userId) => files.avatarOf.get(userId);
  accounts.forgetAvatar = (userId) => void files.avatarOf.delete(userId);
  const roles: MemoryRoleRepository = new MemoryRoleRepository((ids) => rooms.usersByIds(ids), () => accounts.users.values());
  rooms.isAdminId = (userId) => roles.roles.get(userId) === "admin";
  return {
    roles,
    sanctions: new MemorySanctionRepository((ids) => rooms.usersByIds(ids)),
    audit: new MemoryAuditRepository(),
    addresses: new MemoryAddressRepository(),
    reports: new MemoryReportRepository((ids) => rooms.usersByIds(ids), (ids) => rooms.findByIds(ids)),
    purges: new MemoryPurgeRepository(() => messages.stored),
    settings: new MemorySettingsRepository(),
    guests: new MemoryGuestRepository(accounts, rooms),
    rooms,
    messages,
    attention: new MemoryAttentionRepository(rooms, messages),
    search: new MemorySearchRepository(messages, rooms),
    files,
    fileBytes: new MemoryFileStore(),
    sessions: new MemorySessionStore(accounts),
    tokens: new MemoryTokenStore(accounts),
    pushSubscriptions: new MemoryPushSubscriptionStore(accounts),
    accounts,
  };
}
