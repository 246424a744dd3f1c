/**
 * Parley's socket contract, shared by the server (`server/app.ts`) and the browser
 * (`app/hooks/socket-context.tsx`). Client-to-server events are imperative (`room:join`),
 * server-to-client events are past tense (`message:created`). Every client event takes one
 * payload object and, where it has one, an acknowledgement of the shape `Ack<T>`.
 *
 * @example
 * const ack = await socket.timeout(10_000).emitWithAck("message:send", {
 *   roomId, clientId: crypto.randomUUID(), body: "hello",
 * });
 */
import type { AckFn } from "./errors";
import type { PublishedRoomEvent } from "./room-events";
import type { AdminPerson, AdminRoom, ApiTokenSummary, AuditRecord, ChangesPage, ChatMessage, HistoryPage, MessageChange, InstanceSettings, MuteState, PurgeSummary, ReadState, ReportSummary, RoomPerson, RoomPowers, RoomSummary, SanctionSummary, UserSummary } from "./model";
import type { SearchPage } from "./search";
import type {
  MessageChangesInput,
  MessageDeleteInput,
  MessageEditInput,
  MessageHistoryInput,
  ReactionInput,
  MessageSendInput,
  ReadMarkInput,
  RoomUnfollowInput,
  RoomNotifyInput,
  MessageSearchInput,
  UserBlockInput,
  AccountAvatarInput,
  RoomModeratorInput,
  UserRoleInput,
  UserMuteInput,
  UserUnmuteInput,
  RoomKickInput,
  RoomUnkickInput,
  UserBanInput,
  UserPurgeInput,
  RoomPeopleInput,
  RoomTransferInput,
  AccountNameInput,
  SettingsSetInput,
  UserPasswordInput,
  PurgesListInput,
  UserUnbanInput,
  SanctionsListInput,
  AuditListInput,
  ReportFileInput,
  UsersListInput,
  RoomsAllInput,
  ReportsListInput,
  ReportResolveInput,
  RoomCreateInput,
  RoomJoinInput,
  RoomLeaveInput,
  RoomRefInput,
  RoomRemoveMemberInput,
  RoomRenameInput,
  TypingInput,
} from "./schemas";

export interface RoomJoined {
  room: RoomSummary;
  /** The latest page of the room's history, or for a rejoin (`after`) what came after it. */
  history: HistoryPage;
  /** Everyone in the room now (also sent as `presence:changed`). */
  online: UserSummary[];
  /** Who else is typing now (also sent as `typing:changed`). */
  typing: UserSummary[];
  /**
   * The room's change cursor when the join read the history: the history reflects every
   * change up to it (and maybe later ones). Changes after it arrive as `message:changed`.
   */
  changeCursor: number;
  /**
   * With `changesAfter`: the messages that changes after it touched, as they are now, so
   * that a client back from any absence replaces its copies (the net effect of every change,
   * however many there were). With `hasMore` more were touched than fit: page through
   * `message:changes` from the cursor held instead.
   */
  changed?: { messages: ChatMessage[]; hasMore: boolean };
  /** The joiner's read position in the room (joining follows it). */
  read: ReadState;
}

/** Where a followed room's read position and latest message are (`attention:sync`). */
export interface AttentionState {
  rooms: ReadState[];
}

/** New messages in a followed room not open on this connection (coalesced per room). */
export interface RoomActivity {
  roomId: string;
  /** The room's latest seq. */
  seq: number;
  /** The authors of the messages since the last activity event, each at their latest seq there. */
  readBy: Record<string, number>;
  /** Who those messages mention, each with the seqs of the messages that do. */
  mentions: Record<string, number[]>;
  /**
   * The author of each mentioning message in `mentions`, by its seq: a mention by someone
   * the user blocks is not counted (as the server's own count leaves it out).
   */
  mentionAuthors: Record<string, string>;
}

/** This user's read positions moved on another connection, or they stopped following rooms. */
export interface AttentionChanged {
  read: ReadState[];
  unfollowed: string[];
}

/**
 * What a change request answers: the change with its `cseq` (`duplicate`: a resent
 * `clientChangeId`, already applied), or `change: null` when it changed nothing (a reaction
 * that was already there, or already gone).
 */
export interface ChangeAck {
  change: MessageChange | null;
  duplicate: boolean;
}

export interface ClientToServerEvents {
  "room:list": (payload: Record<string, never>, ack: AckFn<{ rooms: RoomSummary[] }>) => void;
  "room:create": (payload: RoomCreateInput, ack: AckFn<{ room: RoomSummary }>) => void;
  "room:join": (payload: RoomJoinInput, ack: AckFn<RoomJoined>) => void;
  "room:leave": (payload: RoomLeaveInput, ack: AckFn<Record<string, never>>) => void;
  /** A member of a private room makes an invite link token (valid 7 days). */
  "room:invite": (payload: RoomRefInput, ack: AckFn<{ token: string; expiresAt: string }>) => void;
  "room:members": (payload: RoomRefInput, ack: AckFn<{ members: UserSummary[] }>) => void;
  /** The creator only. */
  "room:rename": (payload: RoomRenameInput, ack: AckFn<{ room: RoomSummary }>) => void;
  /** The creator only, private rooms only. */
  "room:remove-member": (payload: RoomRemoveMemberInput, ack: AckFn<Record<string, never>>) => void;
  /** Hands the room to another account that may read it (its owner, or an administrator); the previous owner stays a moderator; everyone hears `room:updated`. */
  "room:transfer": (payload: RoomTransferInput, ack: AckFn<{ room: RoomSummary }>) => void;
  /** The creator only: the room and its history are gone. */
  "room:delete": (payload: RoomRefInput, ack: AckFn<Record<string, never>>) => void;
  "message:send": (payload: MessageSendInput, ack: AckFn<{ message: ChatMessage; duplicate: boolean }>) => void;
  "message:history": (payload: MessageHistoryInput, ack: AckFn<HistoryPage>) => void;
  /** The author only. Limits as for sending. */
  "message:edit": (payload: MessageEditInput, ack: AckFn<ChangeAck>) => void;
  /** The author only: the message becomes a tombstone, its text gone everywhere. */
  "message:delete": (payload: MessageDeleteInput, ack: AckFn<ChangeAck>) => void;
  /** One emoji; at most one of each per (message, user). */
  "reaction:add": (payload: ReactionInput, ack: AckFn<ChangeAck>) => void;
  "reaction:remove": (payload: ReactionInput, ack: AckFn<ChangeAck>) => void;
  /** Catch-up of changes after a cursor. */
  "message:changes": (payload: MessageChangesInput, ack: AckFn<ChangesPage>) => void;
  /**
   * The read positions of every followed room (at every connect): this connection hears
   * `room:activity` for each from then on.
   */
  "attention:sync": (payload: Record<string, never>, ack: AckFn<AttentionState>) => void;
  /** Read up to `seq`: every connection of the user hears `attention:changed`. */
  "read:mark": (payload: ReadMarkInput, ack: AckFn<ReadState>) => void;
  /** Every followed room read up to its latest message. */
  "read:all": (payload: Record<string, never>, ack: AckFn<AttentionState>) => void;
  /** When to notify the user of the room's messages; every socket of the user hears `attention:changed`. */
  "room:notify": (payload: RoomNotifyInput, ack: AckFn<ReadState>) => void;
  /** "Leave room": stop following it (its unread count goes) until it is opened again. */
  "room:unfollow": (payload: RoomUnfollowInput, ack: AckFn<Record<string, never>>) => void;
  /** Messages in the rooms the user may read (or in `roomId`), newest first, paged. */
  "message:search": (payload: MessageSearchInput, ack: AckFn<SearchPage>) => void;
  /** Block or unblock someone; answers with everyone the user blocks now. Every connection of the user hears `blocks:changed`. */
  "user:block": (payload: UserBlockInput, ack: AckFn<{ blocked: UserSummary[] }>) => void;
  /** The people the user blocks. */
  "user:blocks": (payload: Record<string, never>, ack: AckFn<{ blocked: UserSummary[] }>) => void;
  /**
   * Sets (or with null removes) the user's profile picture: a file they uploaded with
   * `?purpose=avatar`. Answers with the user as everyone sees them now; every connection of
   * the user hears `profile:changed`, and the rooms they are in get a new presence list.
   */
  "account:avatar": (payload: AccountAvatarInput, ack: AckFn<{ user: UserSummary }>) => void;
  /** The room's people with their roles (members or followers, and its owner), by name; `query`: the start of a name or of a word in it. */
  "room:people": (payload: RoomPeopleInput, ack: AckFn<{ people: RoomPerson[] }>) => void;
  /** One's own display name; everyone's presence lists and one's own tabs hear it (`profile:changed`). */
  "account:name": (payload: AccountNameInput, ack: AckFn<{ user: UserSummary }>) => void;
  /** What the user may do in the room beyond reading and writing, read now. */
  "room:powers": (payload: { roomId: string }, ack: AckFn<RoomPowers>) => void;
  /** The room's moderators (whoever may read it). */
  "room:moderators": (payload: { roomId: string }, ack: AckFn<{ moderators: UserSummary[] }>) => void;
  /** Appoints or dismisses a moderator (the room's owner or an administrator); the person hears `powers:changed`. */
  "room:moderator": (payload: RoomModeratorInput, ack: AckFn<{ moderators: UserSummary[] }>) => void;
  /** An administrator makes someone an administrator or a member; the last administrator stays one. */
  "user:role": (payload: UserRoleInput, ack: AckFn<Record<string, never>>) => void;
  /** Mutes someone in a room (its moderators, owner, administrators) or everywhere (`roomId` null: administrators); they hear `powers:changed`. */
  "user:mute": (payload: UserMuteInput, ack: AckFn<{ mute: MuteState }>) => void;
  "user:unmute": (payload: UserUnmuteInput, ack: AckFn<{ lifted: boolean }>) => void;
  /** Removes someone from a room: out of a public room until `until`, out of a private one's members; their connections hear `room:removed`. */
  "room:kick": (payload: RoomKickInput, ack: AckFn<{ until: string | null }>) => void;
  "room:unkick": (payload: RoomUnkickInput, ack: AckFn<{ lifted: boolean }>) => void;
  /** Bans an account from the instance (administrators): its sessions, tokens and push subscriptions end; its connections hear `account:closed` and are closed. */
  "user:ban": (payload: UserBanInput, ack: AckFn<{ sessions: number; tokens: number; purge: PurgeSummary | null }>) => void;
  /** Removes all of someone's messages in every room (administrators), a background task; `created` false: one was running already. */
  "user:purge": (payload: UserPurgeInput, ack: AckFn<{ purge: PurgeSummary; created: boolean }>) => void;
  /** Sets a new password for an account (administrators): its sessions end, its open tabs close within the session sweep. */
  "user:password": (payload: UserPasswordInput, ack: AckFn<Record<string, never>>) => void;
  /** The instance's settings (administrators): guest access, idle guests, and which the environment locks. */
  "settings:get": (payload: Record<string, never>, ack: AckFn<InstanceSettings>) => void;
  /** Changes guest access or idle guests (administrators; not one the environment sets). Audited. */
  "settings:set": (payload: SettingsSetInput, ack: AckFn<InstanceSettings>) => void;
  /** The removal tasks, newest first, with their progress (administrators). */
  "purges:list": (payload: PurgesListInput, ack: AckFn<{ purges: PurgeSummary[] }>) => void;
  "user:unban": (payload: UserUnbanInput, ack: AckFn<{ lifted: boolean }>) => void;
  /** The mutes and kicks in force in a room, or every sanction (`roomId` null: administrators). */
  "sanctions:list": (payload: SanctionsListInput, ack: AckFn<{ sanctions: SanctionSummary[] }>) => void;
  /** Reports someone else's message to the room's moderators (rate-limited); `already`: this person had reported it. */
  "report:file": (payload: ReportFileInput, ack: AckFn<{ reportId: string; already: boolean }>) => void;
  /** The report queue: a room's (its moderators, owner, administrators) or every room's (`roomId` null: administrators); open ones unless `open` is false. */
  "reports:list": (payload: ReportsListInput, ack: AckFn<{ reports: ReportSummary[] }>) => void;
  /** Closes a report and every open report of its message: `removed` removes the message (the delete change), `dismissed` leaves it. */
  "report:resolve": (payload: ReportResolveInput, ack: AckFn<{ closed: number }>) => void;
  /** The instance's people with their roles, bans and mutes (administrators). */
  "users:list": (payload: UsersListInput, ack: AckFn<{ people: AdminPerson[] }>) => void;
  /** Every room but direct conversations, with owner and moderators (administrators). */
  "rooms:all": (payload: RoomsAllInput, ack: AckFn<{ rooms: AdminRoom[] }>) => void;
  /** The audit log, newest first (administrators). */
  "audit:list": (payload: AuditListInput, ack: AckFn<{ entries: AuditRecord[] }>) => void;
  /** Web Push: the server's VAPID public key (null when Web Push is off). */
  "push:key": (payload: Record<string, never>, ack: AckFn<{ publicKey: string | null }>) => void;
  /** Keeps this browser's push subscription for the user: mentions reach them with every tab closed. */
  "push:subscribe": (payload: { endpoint: string; keys: { p256dh: string; auth: string }; expirationTime?: number | null }, ack: AckFn<Record<string, never>>) => void;
  "push:unsubscribe": (payload: { endpoint: string }, ack: AckFn<Record<string, never>>) => void;
  /** Personal API tokens for the /ws gateway (accounts only). The token is in this answer only. */
  "token:create": (payload: { name: string }, ack: AckFn<{ token: string; summary: ApiTokenSummary }>) => void;
  "token:list": (payload: Record<string, never>, ack: AckFn<{ tokens: ApiTokenSummary[] }>) => void;
  "token:revoke": (payload: { id: string }, ack: AckFn<Record<string, never>>) => void;
  "typing:start": (payload: TypingInput) => void;
  "typing:stop": (payload: TypingInput) => void;
}

export interface PresenceChanged {
  roomId: string;
  /** Everyone in the room now, one entry per user however many tabs they have. */
  online: UserSummary[];
}

export interface TypingChanged {
  roomId: string;
  user: UserSummary;
  typing: boolean;
}

export interface ServerToClientEvents {
  "room:created": (room: RoomSummary) => void;
  "room:updated": (room: RoomSummary) => void;
  "room:deleted": (event: { roomId: string }) => void;
  /** This user was removed from a private room. */
  "room:removed": (event: { roomId: string; until?: string | null; message?: string }) => void;
  "message:created": (message: ChatMessage) => void;
  /** An edit, deletion or reaction, in the room's change order (`cseq`). */
  "message:changed": (change: MessageChange) => void;
  "presence:changed": (event: PresenceChanged) => void;
  "room:activity": (event: RoomActivity) => void;
  "attention:changed": (event: AttentionChanged) => void;
  "typing:changed": (event: TypingChanged) => void;
  /** Whom this user blocks now (changed on another tab or device). */
  "blocks:changed": (event: { blocked: UserSummary[] }) => void;
  /** The user looks like this now (a new profile picture, set on another tab or device). */
  "profile:changed": (event: { user: UserSummary }) => void;
  /** What the user may do changed: in one room, or everywhere (`roomId` null); ask `room:powers` again. */
  "powers:changed": (event: { roomId: string | null }) => void;
  /** A report was filed or closed in a room whose queue this user keeps (owner, moderator, administrator); ask `reports:list` again. */
  "reports:changed": (event: { roomId: string }) => void;
  /** This account was banned: the connection closes next and the session is gone; `message` says so, with until when. */
  "account:closed": (event: { reason: "banned"; message: string; until: string | null }) => void;
}

/**
 * Socket.IO's events between nodes: none. Parley's nodes relay the room hub's calls
 * (`RelayedRoomCall`) as entries of the adapter's stream (server/realtime/redis-adapter.ts,
 * `streamRelayBus`), not as `serverSideEmit`s.
 */
export type InterServerEvents = Record<never, never>;

/** What one node's room hub says to the others (server/realtime/cluster.ts). */
export type RelayedRoomCall =
  | { kind: "event"; event: PublishedRoomEvent }
  | { kind: "revoked"; roomId: string; userId: string | null }
  | { kind: "closed"; userId: string; reason: "banned"; message: string; until: string | null };

/** What the handshake middleware attaches to every authenticated socket. */
export interface SocketData {
  user: UserSummary;
  sessionId: string;
  /** The client's address, for per-IP limits. */
  ip: string;
}

/** How long a client shows "X is typing" after the last typing:start it saw. */
export const TYPING_TTL_MS = 5000;
/** The sender repeats typing:start at most this often while typing. */
export const TYPING_THROTTLE_MS = 2000;
