import type { UserSummary } from "./contract/model";
import type { PresenceStore } from "./store/ports";
import type { TypingStore } from "./store/ports";
import { AttentionService } from "./domain/attention.service";
import { MessageService } from "./domain/message.service";
import { RoleService } from "./domain/role.service";
import { Auditor, ModerationService } from "./domain/moderation.service";
import { PurgeService } from "./domain/purge.service";
import { SettingsService, type SettingsFromEnv } from "./domain/settings.service";
import { RoomService } from "./domain/room.service";
import { SearchService } from "./domain/search.service";
import { DEFAULT_FILE_POLICY, FileService, type FilePolicy, type UploadProcessor } from "./domain/file.service";
import { AddressBook } from "./domain/address-book";
import { AuthService } from "./domain/auth.service";
import { ReportService } from "./domain/report.service";
import { DomainError } from "./domain/errors";
import { TokenService } from "./domain/token.service";
import type { BetterAuth } from "./auth/better-auth";
import type { FileStore, Repositories, SessionStore, TokenRepository } from "./store/ports";

/** The domain, wired to its stores. Handlers (socket and HTTP) receive this and nothing else. */
export interface Services {
  auth: AuthService;
  tokens: TokenService;
  rooms: RoomService;
  messages: MessageService;
  attention: AttentionService;
  search: SearchService;
  files: FileService;
  roles: RoleService;
  moderation: ModerationService;
  /** Removals of all of one person's messages: background tasks any node takes. */
  purges: PurgeService;
  /** Instance settings (guest access, idle guests): /admin's, the environment's winning. */
  settings: SettingsService;
  /** Members' reports of messages, and the moderators' queue. */
  reports: ReportService;
  /** Where people connect from, and a ban's hold on those addresses. */
  addresses: AddressBook;
  presence: PresenceStore;
  typing: TypingStore;
}

export function createServices(
  repos: Repositories,
  live: { presence: PresenceStore; typing: TypingStore },
  auth: { betterAuth: BetterAuth; sessions: SessionStore; tokens: TokenRepository },
  options: {
    guestDirectMessages: boolean;
    beforeNewDirect?: (user: UserSummary) => Promise<void>;
    /** Where file bytes go and how uploads are read (absent: messages carry no files). */
    files?: { bytes: FileStore; processor: UploadProcessor; policy?: FilePolicy };
    /** Accounts that are administrators (ADMIN_USERNAMES), beside the first account. */
    adminUsernames?: readonly string[];
    /** Whether the first account created becomes an administrator (FIRST_ACCOUNT_ADMIN, default true). */
    firstAccountAdmin?: boolean;
    /** Settings the environment gives (GUEST_ACCESS, GUEST_IDLE_DAYS): they win over /admin's. */
    settings?: SettingsFromEnv;
  } = { guestDirectMessages: true },
): Services {
  // Mutes are the moderation service's, which needs the rooms: the rooms ask it through this.
  const requireVoice = (user: UserSummary, roomId: string | null) => moderation.requireVoice(user, roomId);
  const rooms = new RoomService(repos.rooms, undefined, { ...options, sanctions: repos.sanctions, requireVoice });
  const auditor = new Auditor(repos.audit);
  const roles = new RoleService(repos.roles, rooms, repos.rooms, { adminUsernames: options.adminUsernames ?? [], firstAccountAdmin: options.firstAccountAdmin ?? true }, auditor);
  const addresses = new AddressBook(repos.addresses);
  const settings = new SettingsService(repos.settings, repos.guests, repos.rooms, roles, auditor, options.settings ?? {});
  const authService = new AuthService(auth.betterAuth, auth.sessions, (user, username) => roles.accountCreated(user, username), addresses, () => settings.requireGuestsAllowed());
  const moderation: ModerationService = new ModerationService(repos.sanctions, auditor, roles, rooms, repos.rooms, {
    ...auth,
    addresses,
    passwords: authService,
    purges: { request: (actor, input) => purges.request(actor, input) },
    guests: settings,
  });
  const files = new FileService(repos.files, options.files?.bytes ?? refusingStore, rooms, options.files?.processor ?? refusingProcessor, options.files?.policy ?? DEFAULT_FILE_POLICY, undefined, requireVoice);
  const messages = new MessageService(repos.messages, rooms, repos.rooms, repos.attention, files, roles, moderation, auditor);
  const purges: PurgeService = new PurgeService(repos.purges, messages, roles, repos.rooms, auditor);
  return {
    auth: authService,
    tokens: new TokenService(auth.tokens),
    rooms,
    messages,
    purges,
    settings,
    files,
    roles,
    moderation,
    reports: new ReportService(repos.reports, repos.messages, rooms, roles, auditor),
    addresses,
    attention: new AttentionService(repos.attention, rooms),
    search: new SearchService(repos.search, rooms, repos.rooms),
    presence: live.presence,
    typing: live.typing,
  };
}

/** Without a file store: uploads are refused (a server always has one; some tests do not). */
const refusingProcessor: UploadProcessor = {
  process: () => Promise.reject(new DomainError("uploads_off", "This server takes no files.")),
};
const refusingStore: FileStore = {
  write: () => Promise.reject(new DomainError("uploads_off", "This server takes no files.")),
  size: async () => null,
  read: async () => null,
  delete: async () => undefined,
  keysBefore: async () => [],
};
