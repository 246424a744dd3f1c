/**
 * Every store port, in one home: the domain depends on these interfaces only. Each has one
 * implementation per database engine, chosen in one place (`store/open-store.ts`):
 * `store/sqlite/` (better-sqlite3, a writer thread), `store/postgres/` (`pg`, group commit),
 * and `store/memory/` for unit tests; the live ones (presence, typing) in memory for one
 * node and in Redis (`store/redis/`) for several. Each port has one contract suite run over
 * every implementation (`store/*.contract.test.ts`).
 */
import type { Readable } from "node:stream";
import type { Attachment, ChatMessage, MessageChange, MessageChangeKind, NotifyLevel, ReadState, RoomSummary, RoomVisibility, UserSummary } from "../contract/model";

export type { ReadState };

export interface NewRoom {
  id: string;
  slug: string;
  name: string;
  visibility: RoomVisibility;
  createdById: string;
}

/** Thrown by `RoomRepository.create` when the slug is already in use. */
export class SlugTakenError extends Error {
  constructor(slug: string) {
    super(`slug "${slug}" is taken`);
    this.name = "SlugTakenError";
  }
}

/** Thrown by `SearchRepository.search` for a cursor it did not hand out. */
/** A search the index gave up on within its time bound (a term too short for the index, over a great many messages). */
export class SearchTooBroadError extends Error {
  constructor() {
    super("the search took longer than its bound");
    this.name = "SearchTooBroadError";
  }
}

export class InvalidCursorError extends Error {
  constructor() {
    super("not a cursor of this search index");
    this.name = "InvalidCursorError";
  }
}

export interface RoomRepository {
  /** Creates the room; its creator becomes its first member. */
  create(room: NewRoom): Promise<RoomSummary>;
  findBySlug(slug: string): Promise<RoomSummary | null>;
  findById(id: string): Promise<RoomSummary | null>;
  /** Public rooms and the private rooms `userId` belongs to, oldest first. */
  listVisibleTo(userId: string): Promise<RoomSummary[]>;
  /**
   * The ids of the rooms `listVisibleTo` lists, in no order: what every search looks in, read
   * without the names and dates it does not need (a thousand rooms: 0.3 ms, not 4.4).
   */
  visibleIds(userId: string): Promise<string[]>;
  /**
   * The rooms (not direct conversations) `userId` may see whose address or name is `name`,
   * case ignored: `in:<room>` in a search, without naming every room.
   */
  findVisibleNamed(userId: string, name: string): Promise<RoomSummary[]>;
  /** Every room that is not a direct conversation, public and private, newest first, a page at `offset` (administrators). */
  allRooms(page: { offset: number; limit: number }): Promise<RoomSummary[]>;
  /** The rooms with these ids that exist (no access check: the caller made it). */
  findByIds(ids: string[]): Promise<RoomSummary[]>;
  rename(roomId: string, name: string): Promise<RoomSummary>;
  /**
   * The room's people: a private room's (or direct conversation's) members, a public room's
   * followers, and its owner either way; those whose name or a word of it starts with `query`
   * (case ignored for ASCII letters; "" for all), by name, a page at a time. With whether each
   * is a guest and an administrator.
   */
  people(room: Pick<RoomSummary, "id" | "ownerId" | "visibility">, filter: { query: string; offset: number; limit: number }): Promise<Array<UserSummary & { guest: boolean; admin: boolean }>>;
  /** Makes `userId` the room's owner (a transfer: the domain checked who may). */
  setOwner(roomId: string, userId: string): Promise<RoomSummary>;
  delete(roomId: string): Promise<void>;
  isMember(roomId: string, userId: string): Promise<boolean>;
  /** Makes the user a member (again: a record of an earlier removal ends). */
  addMember(roomId: string, userId: string): Promise<void>;
  /**
   * Removes a member, in one commit: records when (`removedAt`: older invites no longer let
   * them in) and deletes the invites they made to the room. False when they were not a member.
   */
  removeMember(roomId: string, userId: string, at: Date): Promise<boolean>;
  /** When the user was last removed from the room, if they have not been let back in since. */
  removedAt(roomId: string, userId: string): Promise<Date | null>;
  members(roomId: string): Promise<UserSummary[]>;
  /** The users with these ids that exist, with their current names (mentions). */
  usersByIds(ids: string[]): Promise<UserSummary[]>;
  /**
   * Creates a direct conversation with its two members (one for a notepad), each following
   * it, in one commit; false when it already existed (the pair's id is the key: two
   * creations at once make one).
   */
  createDirect(room: NewRoom, memberIds: string[]): Promise<boolean>;
  /** A user as a direct conversation needs them: their name, and whether they are a guest. */
  findPerson(userId: string): Promise<(UserSummary & { guest: boolean }) | null>;
  /** When each of these rooms last had a message (rooms without one are left out). */
  lastMessageAt(roomIds: string[]): Promise<Map<string, string>>;
  /** `blockerId` blocks (or, with `on` false, unblocks) `blockedId`. */
  setBlock(blockerId: string, blockedId: string, on: boolean): Promise<void>;
  /** Whether either of the two blocks the other. */
  blockedEitherWay(a: string, b: string): Promise<boolean>;
  /** The people `userId` blocks, with their current names. */
  blockedBy(userId: string): Promise<UserSummary[]>;
  createInvite(invite: { id: string; roomId: string; tokenHash: string; createdById: string; expiresAt: Date }): Promise<void>;
  /** The room an unexpired invite leads to and when it was made, or null. */
  findInvite(tokenHash: string, now: Date): Promise<{ roomId: string; createdAt: Date } | null>;
}

export interface NewMessage {
  id: string;
  roomId: string;
  author: UserSummary;
  clientId: string;
  body: string;
  /** The message it replies to (checked by the domain: same room). */
  replyToId?: string;
  /**
   * Its files (checked by the domain: uploaded by the author, not attached elsewhere). The
   * append links them to the message in its own commit, and fails with `FileTakenError` if
   * one was linked to another message meanwhile.
   */
  attachments?: Attachment[];
}

/** An append named a file that another message took first (two sends of one upload at once). */
export class FileTakenError extends Error {
  readonly code = "FILE_TAKEN";
  constructor() {
    super("a file of this message is attached to another one");
    this.name = "FileTakenError";
  }
}

export interface AppendResult {
  message: ChatMessage;
  /** True when (author, clientId) was already stored: `message` is the stored copy. */
  duplicate: boolean;
}

/** A change to apply to a message (server/domain/message-change.service.ts checks it first). */
export interface NewChange {
  id: string;
  roomId: string;
  messageId: string;
  actor: UserSummary;
  clientChangeId: string;
  kind: MessageChangeKind;
  /** edit: the new text. */
  body?: string;
  /** react, unreact: the emoji. */
  emoji?: string;
  /**
   * delete: the actor may remove anyone's message in this room (a moderator or an
   * administrator: the domain decided it, reading their role now), not only their own.
   */
  moderated?: boolean;
}

export interface ChangeResult {
  change: MessageChange;
  /** True when (actor, clientChangeId) was already applied: `change` is the stored one. */
  duplicate: boolean;
}

/** What the domain needs to know of a message before changing it. */
export interface MessageRef {
  id: string;
  roomId: string;
  seq: number;
  authorId: string;
  authorName: string;
  body: string;
  deleted: boolean;
  /** Its files (absent when none, and once deleted). */
  attachments?: Attachment[];
}

export interface MessageRepository {
  /**
   * Stores a message with the room's next sequence number, atomically, and moves the
   * author's read position in the room (if they follow it) to that number in the same
   * commit. A repeated (author, clientId) stores nothing and returns the message already
   * stored.
   */
  append(message: NewMessage): Promise<AppendResult>;
  /** Up to `limit` messages with seq < `before` (or the newest if undefined), ascending. */
  pageBefore(roomId: string, before: number | undefined, limit: number): Promise<ChatMessage[]>;
  /** Up to `limit` messages with seq > `after`, ascending. Pages carry each reply's quote (`replyTo`). */
  pageAfter(roomId: string, after: number, limit: number): Promise<ChatMessage[]>;
  findMessage(messageId: string): Promise<MessageRef | null>;
  /**
   * Applies a change and gives it the room's next `cseq`, atomically, on one condition that
   * is checked in the same transaction: the message is in `roomId` and not deleted; for an
   * edit or a deletion, the actor wrote it; for a reaction, the actor has not reacted with
   * that emoji yet (unreact: has). A deletion empties the message's text and its earlier
   * edits' text and removes its reactions. A repeated (actor, clientChangeId) changes nothing
   * and returns the stored change. Resolves null when the condition did not hold.
   */
  applyChange(change: NewChange): Promise<ChangeResult | null>;
  /** Up to `limit` changes with cseq > `after`, ascending. */
  changesAfter(roomId: string, after: number, limit: number): Promise<MessageChange[]>;
  /** The room's highest cseq (0 before any change). */
  changeCursor(roomId: string): Promise<number>;
  /**
   * A join's read: the room's change cursor and then a page, which reflects every change up
   * to that cursor (and maybe later ones): up to `limit` messages after `after`, or without
   * it the newest `limit`, ascending. The same as `changeCursor` followed by `pageAfter` or
   * `pageBefore`, in one round trip where the engine has them.
   */
  joinPage(roomId: string, after: number | undefined, limit: number): Promise<{ changeCursor: number; messages: ChatMessage[] }>;
  /**
   * The messages that changes after `after` touched, as they are now (ascending by seq), at
   * most `limit`; `more` when others were touched too.
   */
  changedSince(roomId: string, after: number, limit: number): Promise<{ messages: ChatMessage[]; more: boolean }>;
}

/**
 * Which rooms a user follows and how far they have read each. An append moves its author's
 * `readSeq` to it in the same commit (MessageRepository.append), so one's own messages are
 * never unread.
 */
export interface AttentionRepository {
  /** Follows the room from its latest seq (what came before is not unread); nothing if followed already. */
  follow(userId: string, roomId: string): Promise<ReadState>;
  unfollow(userId: string, roomId: string): Promise<void>;
  /** The user's read state of the room (with their notify level) if they follow it, else null. */
  following(userId: string, roomId: string): Promise<ReadState | null>;
  /**
   * Moves `readSeq` forward to `seq`, or to the room's latest seq if `seq` is past it; never
   * back. Follows the room if it was not followed.
   */
  markRead(userId: string, roomId: string, seq: number): Promise<ReadState>;
  /** Every followed room read up to its latest seq. */
  markAllRead(userId: string): Promise<ReadState[]>;
  /** When to notify the user of the room's messages (null: the default); follows the room if it was not. */
  setNotify(userId: string, roomId: string, level: NotifyLevel | null): Promise<ReadState>;
  /**
   * The followed rooms the user may still read (public ones, private ones they belong to),
   * by room id.
   */
  followed(userId: string): Promise<ReadState[]>;
  /**
   * The seqs of the room's messages after `after` that mention the user (`<@userId>` or
   * `<@room>` in their text) and were written by someone else whom the user does not block,
   * ascending, at most `limit`.
   */
  mentionsAfter(userId: string, roomId: string, after: number, limit: number): Promise<number[]>;
  /** How many follow the room. */
  followerCount(roomId: string): Promise<number>;
}

/** What the domain asks the search index (terms already parsed: server/contract/search.ts). */
export interface SearchRequest {
  /** Only messages in these rooms (the ones the user may read, chosen by the domain). */
  roomIds: string[];
  /** Each must occur in the text, as a substring, case ignored. May be empty when `authorName` is given. */
  terms: string[];
  /** Only messages by a user of this name (case ignored). */
  authorName?: string;
  /** The `next` of the previous page. */
  cursor?: string;
  limit: number;
}

export interface SearchHit {
  id: string;
  roomId: string;
  seq: number;
  author: UserSummary;
  body: string;
  createdAt: string;
  editedAt?: string;
}

/**
 * The message search index: SQLite's FTS5 table and PostgreSQL's trigram index, both kept in
 * the same transaction as the message's insert, edit or deletion. Deleted messages are
 * never found; an edited one only by its current text.
 */
export interface SearchRepository {
  /** Newest first; `next` is an opaque cursor for the following page, or null. */
  search(request: SearchRequest): Promise<{ hits: SearchHit[]; next: string | null }>;
}

/** An uploaded file's record (its bytes are in the `FileStore`). */
export interface StoredFileRecord {
  id: string;
  /** Where its bytes are in the `FileStore` (a UUID of the server's; `<key>.thumbnail` for the thumbnail). */
  key: string;
  ownerId: string;
  name: string;
  type: string;
  size: number;
  image?: Attachment["image"];
  purpose: "message" | "avatar";
  /** The room and message that link it; null until a message does. */
  roomId: string | null;
  messageId: string | null;
  createdAt: Date;
  /** Its message was deleted: served to nobody, swept. */
  deleted: boolean;
}

/** Uploaded files' records (who owns what, what links them, quotas, the sweep). */
export interface FileRepository {
  /** Records an upload; false (nothing written) when the id exists already. */
  create(file: Omit<StoredFileRecord, "roomId" | "messageId" | "deleted">): Promise<boolean>;
  byId(id: string): Promise<StoredFileRecord | null>;
  byIds(ids: readonly string[]): Promise<StoredFileRecord[]>;
  /** The bytes the user's files take (deleted ones not counted). */
  usage(ownerId: string): Promise<number>;
  /**
   * The ids to sweep: files no message linked that were uploaded before `before` (abandoned
   * uploads, files whose room was deleted) other than avatars in use, and deleted ones.
   */
  sweepable(before: Date, limit: number): Promise<Array<{ id: string; key: string }>>;
  /** Forgets these records. */
  remove(ids: readonly string[]): Promise<void>;
  /**
   * Makes `fileId` the user's profile picture (the account's `image`), or none with null;
   * resolves the file it replaced (null when none). The caller checked the file.
   */
  setAvatar(userId: string, fileId: string | null): Promise<string | null>;
  /** Which of these storage keys belong to a record. */
  existingKeys(keys: readonly string[]): Promise<Set<string>>;
}

/** A byte range, both ends included (as in an HTTP Range header). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * File bytes by key (a record's `key`, `<key>.thumbnail`): on disk under FILES_DIR
 * (`files/disk-store.ts`), in PostgreSQL's FileChunk table where nodes share no disk
 * (`store/postgres/file-store.ts`), in memory for tests. Streamed both ways: a file is never
 * whole in memory.
 */
export interface FileStore {
  /**
   * Stores the bytes under `key`, all or nothing: a failed or aborted source leaves nothing
   * readable. Replaces what the key held. Resolves the bytes written.
   */
  write(key: string, source: AsyncIterable<Uint8Array>): Promise<number>;
  /**
   * Stores a local file's bytes under `key`, as `write` does; a store on disk copies it in the
   * kernel (no bytes through JavaScript). Optional: callers fall back to `write`.
   */
  writeFile?(key: string, path: string): Promise<number>;
  /** The size of what `key` holds, or null. */
  size(key: string): Promise<number | null>;
  /** The bytes (or a range of them), or null when the key holds nothing. */
  read(key: string, range?: ByteRange): Promise<Readable | null>;
  /** Deletes these keys (absent ones are ignored). */
  delete(keys: readonly string[]): Promise<void>;
  /** Keys written before `before` (the sweep compares them with the records). At most `limit`. */
  keysBefore(before: Date, limit: number): Promise<string[]>;
  close?(): Promise<void>;
}

/** An instance role: administrators run the instance; everyone else is a member. */
export type InstanceRole = "admin" | "member";

/** A person as the administration page lists them. */
export interface DirectoryEntry extends UserSummary {
  username: string | null;
  guest: boolean;
  role: InstanceRole;
  createdAt: Date;
}

/**
 * Roles: each account's instance role, and each room's moderators (appointed by its owner).
 * Read at every request that needs them, never kept from a handshake.
 */
export interface RoleRepository {
  /** The user's instance role; null when there is no such user. */
  roleOf(userId: string): Promise<InstanceRole | null>;
  /**
   * Sets it, serialised with every other role change; false (nothing changed) when it would
   * leave the instance without an administrator.
   */
  setRole(userId: string, role: InstanceRole): Promise<boolean>;
  /** Makes the user the first administrator unless someone claimed that already (atomic): true when they are now. */
  claimFirstAdmin(userId: string): Promise<boolean>;
  /** The administrators, oldest account first. */
  admins(): Promise<UserSummary[]>;
  /** Makes the accounts with these usernames (stored lower-cased) administrators; resolves how many were not already. */
  promoteUsernames(usernames: readonly string[]): Promise<number>;
  isModerator(roomId: string, userId: string): Promise<boolean>;
  /** Appoints (or with `on` false dismisses) a moderator; appointing twice is one. */
  setModerator(roomId: string, userId: string, appointedById: string, on: boolean): Promise<void>;
  /** The room's moderators, in the order appointed. */
  moderators(roomId: string): Promise<UserSummary[]>;
  /**
   * The instance's people for its administrators, newest first: everyone, or those whose
   * name or username contains `query` (case-insensitive for ASCII letters on SQLite, for
   * every letter on PostgreSQL); a page of `limit` at `offset`.
   */
  directory(filter: { query: string; offset: number; limit: number }): Promise<DirectoryEntry[]>;
}

/** A mute (reads, cannot write) or a ban (kept out: of a room, or of the whole instance). */
export type SanctionKind = "mute" | "ban";
/** The scope of a sanction on the whole instance (otherwise a room's id). */
export const INSTANCE_SCOPE = "*";

export interface Sanction {
  userId: string;
  /** A room's id, or INSTANCE_SCOPE. */
  scope: string;
  kind: SanctionKind;
  /** When it ends by itself; null: when lifted. */
  until: Date | null;
  reason: string;
  /** Who imposed it (null: the operator, from the command line). */
  byId: string | null;
  createdAt: Date;
}

/**
 * Mutes and bans, in a room or on the instance. `inForce` is read at every write a sanction
 * restricts (a message, a reaction, an upload), so the database stores answer it from a
 * prepared statement, not through Prisma.
 */
export interface SanctionRepository {
  /** The user's sanctions in force at `now`: on the instance, and in `roomId` when given. */
  inForce(userId: string, roomId: string | null, now: Date): Promise<Sanction[]>;
  /** Imposes it, replacing one of the same kind in the same scope. */
  impose(sanction: Omit<Sanction, "createdAt">): Promise<void>;
  /** Lifts it; false when there was none. */
  lift(userId: string, scope: string, kind: SanctionKind): Promise<boolean>;
  /** The sanctions in force at `now` (of one scope, or all), newest first, with whom they restrict. */
  list(filter: { scope?: string; now: Date; limit: number }): Promise<Array<Sanction & { user: UserSummary }>>;
}

/** One moderation or administration action, as the audit log keeps it. */
export interface AuditEntry {
  id: string;
  at: Date;
  /** Null: the operator, from the command line. */
  actorId: string | null;
  actorName: string;
  action: string;
  targetId: string | null;
  targetName: string | null;
  roomId: string | null;
  roomName: string | null;
  reason: string;
  detail: Record<string, unknown>;
}

/** The audit log: appended to by every moderation and administration action; never edited. */
export interface AuditRepository {
  record(entry: Omit<AuditEntry, "id" | "at"> & { at?: Date }): Promise<AuditEntry>;
  /** Newest first; `before`: the page after an entry already read. */
  list(options: { before?: { at: Date; id: string }; limit: number }): Promise<AuditEntry[]>;
}

/**
 * The public addresses people use (keys from `security/address-key.ts`), and a ban's hold on
 * them: no new guest session or account from there until it ends. Written at most once per
 * person and address in a while (the domain throttles), read when a guest arrives.
 */
export interface AddressRepository {
  /** Notes that the user used `address` at `at` (one row per user and address). */
  seen(userId: string, address: string, at: Date): Promise<void>;
  /** The addresses the user used since `since`, most recent first, at most `limit`. */
  usedBy(userId: string, since: Date, limit: number): Promise<string[]>;
  /** Holds these addresses for the ban of `userId` until `until` (holding one again moves its end). */
  hold(userId: string, addresses: readonly string[], until: Date): Promise<void>;
  /** Releases the holds of the user's ban; how many there were. */
  release(userId: string): Promise<number>;
  /** The latest end of a hold on `address` in force at `now`, or null. */
  heldUntil(address: string, now: Date): Promise<Date | null>;
  /** Forgets sightings last seen before `before`, and holds that ended before it; how many rows went. */
  forget(before: Date): Promise<number>;
}

export type ReportStatus = "open" | "removed" | "dismissed";

/** A report of a message, as stored. */
export interface StoredReport {
  id: string;
  roomId: string;
  messageId: string;
  messageSeq: number;
  authorId: string;
  reporterId: string;
  reason: string;
  note: string;
  /** The reported text while the report is open; "" once closed. */
  excerpt: string;
  status: ReportStatus;
  resolvedById: string | null;
  resolvedAt: Date | null;
  createdAt: Date;
}

/** A stored report with the names a queue shows. */
export interface ListedReport extends StoredReport {
  roomName: string;
  roomSlug: string | null;
  author: UserSummary;
  reporter: UserSummary;
  resolvedBy: UserSummary | null;
}

/** Members' reports of messages, the moderators' queue. */
export interface ReportRepository {
  /** Files it; one per reporter and message: a second resolves with the first and `created` false. */
  file(report: Omit<StoredReport, "status" | "resolvedById" | "resolvedAt">): Promise<{ report: StoredReport; created: boolean }>;
  byId(id: string): Promise<StoredReport | null>;
  /**
   * Newest first (ids are time-ordered), open or closed ones, of one room or (`roomId` null)
   * of every room; `before`: the page after a report id already read.
   */
  list(filter: { roomId: string | null; open: boolean; before?: string; limit: number }): Promise<ListedReport[]>;
  /** Closes every open report of the message with `status`, erasing their copies of its text; how many. */
  close(messageId: string, outcome: { status: Exclude<ReportStatus, "open">; byId: string | null; at: Date }): Promise<number>;
}

export type PurgeState = "pending" | "running" | "done" | "stopped";

/** A removal of every message one person wrote (`MessagePurge`), as stored. */
export interface StoredPurge {
  id: string;
  userId: string;
  userName: string;
  /** Who asked: an administrator, or null for the operator at the command line. */
  actorId: string | null;
  actorName: string;
  /** Whose name the removals carry (a change names an account). */
  removerId: string;
  reason: string;
  state: PurgeState;
  /** The `clientId` of the last message done ("" before the first). */
  cursor: string;
  removed: number;
  createdAt: Date;
  finishedAt: Date | null;
}

/** One of the person's messages still to remove. */
export interface PurgeTarget {
  id: string;
  roomId: string;
  clientId: string;
}

/**
 * Removals of all of a person's messages as background tasks: filed by the domain, taken by
 * one node at a time under a lease (`claim`), moved on batch by batch (`progress`), so a task
 * resumes where it was after a restart or on another node when its node dies.
 */
export interface PurgeRepository {
  /** Files it; one unfinished task per person: a second resolves with it and `created` false. */
  file(purge: Pick<StoredPurge, "id" | "userId" | "userName" | "actorId" | "actorName" | "removerId" | "reason" | "createdAt">): Promise<{ purge: StoredPurge; created: boolean }>;
  /** The oldest unfinished task nobody holds (or whose lease ran out), leased to `owner` until `until`; null when none. */
  claim(owner: string, now: Date, until: Date): Promise<StoredPurge | null>;
  /** Records a batch done under the lease: the new cursor, `removed` added, the lease extended. False when the lease was lost. */
  progress(id: string, owner: string, step: { cursor: string; removed: number; until: Date }): Promise<boolean>;
  /** Ends the task (`done`, or `stopped`) under the lease; false when the lease was lost. */
  finish(id: string, owner: string, state: "done" | "stopped", at: Date): Promise<boolean>;
  /** Newest first. */
  list(limit: number): Promise<StoredPurge[]>;
  /**
   * The person's messages not deleted yet whose `clientId` sorts after `after`, ascending by
   * it (the (authorId, clientId) index), at most `limit`, in every room.
   */
  remaining(userId: string, after: string, limit: number): Promise<PurgeTarget[]>;
}

/** Instance settings changed from /admin, by key; the environment's win over them (`SettingsService`). */
export interface SettingsRepository {
  /** The stored values of these keys (absent: never set). */
  read(keys: readonly string[]): Promise<Map<string, string>>;
  /** Stores a value (null: back to the default). */
  write(key: string, value: string | null): Promise<void>;
}

/** Guests who stopped coming: found by how long their sessions have been quiet, then anonymised. */
export interface GuestRepository {
  /**
   * Guests created before `cutoff` none of whose sessions was used (`updatedAt`) since, and
   * who were not anonymised yet (they still have a session, or another name than `departed`),
   * at most `limit`.
   */
  idle(cutoff: Date, departed: string, limit: number): Promise<string[]>;
  /**
   * Renames the guest `name`, forgets their picture, ends every session (and its Web Push
   * subscriptions); their messages stay. False when `userId` is not a guest.
   */
  anonymise(userId: string, name: string): Promise<boolean>;
}

export interface Repositories {
  roles: RoleRepository;
  sanctions: SanctionRepository;
  audit: AuditRepository;
  addresses: AddressRepository;
  reports: ReportRepository;
  purges: PurgeRepository;
  settings: SettingsRepository;
  guests: GuestRepository;
  rooms: RoomRepository;
  messages: MessageRepository;
  attention: AttentionRepository;
  search: SearchRepository;
  files: FileRepository;
  /** Releases what the repositories hold of their own (connections beside the client). */
  close?(): void;
}

/** Every port a server uses: the repositories and those of accounts (sessions, API tokens, Web Push subscriptions). */
export interface Stores extends Repositories {
  /** File bytes: on disk beside SQLite, in the database on PostgreSQL. */
  fileBytes: FileStore;
  sessions: SessionStore;
  tokens: TokenRepository;
  pushSubscriptions: PushSubscriptionRepository;
}

/**
 * Who is in which room. Entries are per user, counted per connection: a user with three
 * tabs is one entry, removed when the last tab's connection leaves. In process for one node
 * (`store/memory/presence.store.ts`), in Redis for several (`store/redis/presence.store.ts`).
 */
export interface PresenceStore {
  /**
   * Returns true when the user was not present before (the list changed). The summary given
   * replaces the one kept: a changed avatar is added again.
   */
  add(roomId: string, user: UserSummary, connectionId: string): Promise<boolean>;
  /**
   * A join's presence in one step (one round trip to a shared store): `add`, and the list as
   * it is right after it, this user included.
   */
  enter(roomId: string, user: UserSummary, connectionId: string): Promise<{ changed: boolean; online: UserSummary[] }>;
  /** Returns true when this was the user's last connection in the room (the list changed). */
  remove(roomId: string, userId: string, connectionId: string): Promise<boolean>;
  /** Present users, in the order they arrived. */
  list(roomId: string): Promise<UserSummary[]>;
  /**
   * A shared store tells of rooms whose list changed without a join or leave on this node (a
   * dead node's users swept out); the hub announces them. Returns the way to stop listening.
   */
  onChange?(listener: (roomId: string) => void): () => void;
}

/**
 * Who is typing in which room, kept so that someone who joins mid-sentence sees it too.
 * An entry lasts TYPING_TTL_MS after the last typing:start (the sender repeats it while
 * typing) and ends at once on typing:stop. In process by default; in Redis with several nodes.
 */
export interface TypingStore {
  start(roomId: string, user: UserSummary): Promise<void>;
  stop(roomId: string, userId: string): Promise<void>;
  /** Who is typing now. */
  list(roomId: string): Promise<UserSummary[]>;
}

/** A session found at a handshake, with what the socket needs of its user. */
export interface HandshakeSessionRow {
  id: string;
  token: string;
  user: { id: string; name: string; image: string | null; isAnonymous: boolean; username: string | null; displayUsername: string | null };
}

/**
 * Sessions as Parley reads them beside Better Auth (which writes them). The handshake's check
 * is read at every connect (a reconnect storm makes one per turn of the event loop), never
 * cached, so a session revoked, expired or deleted behind Parley's back is refused at the
 * next handshake.
 */
export interface SessionStore {
  /** The unexpired sessions among `tokens`, with their users. */
  byTokens(tokens: readonly string[], now: Date): Promise<HandshakeSessionRow[]>;
  /** Of these session ids, those that exist and have not expired at `now`. */
  live(ids: readonly string[], now: Date): Promise<Set<string>>;
  /** Whether an account has this username (stored lower-cased). */
  usernameTaken(username: string): Promise<boolean>;
  /** Ends session `from`; its Web Push subscriptions move to session `to` (a guest became an account). */
  replace(from: string, to: string): Promise<void>;
  /**
   * Ends every session of the user and deletes their Web Push subscriptions (a ban), but
   * session `except` and its subscriptions when given (a password change keeps the browser
   * that made it): how many sessions ended.
   */
  endAll(userId: string, except?: string): Promise<number>;
}

/** A personal API token as stored: its SHA-256 only, never the token. */
export interface StoredToken {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface TokenRepository {
  /** Whether the user is a guest (no account); null when there is no such user. */
  isGuest(userId: string): Promise<boolean | null>;
  /** The user's tokens that are not revoked, oldest first. */
  active(userId: string): Promise<StoredToken[]>;
  create(token: { id: string; userId: string; name: string; prefix: string; tokenHash: string; createdAt: Date }): Promise<StoredToken>;
  /** Revokes one of the user's active tokens; false when they have no such active token. */
  revoke(userId: string, id: string, at: Date): Promise<boolean>;
  /** Revokes every active token of the user (a ban): how many there were. */
  revokeAll(userId: string, at: Date): Promise<number>;
  /** The active token with this hash and its owner, marked used at `at`; null if unknown or revoked. */
  use(tokenHash: string, at: Date): Promise<{ id: string; user: UserSummary } | null>;
  /** Which of these token ids are still active. */
  stillActive(ids: readonly string[]): Promise<Set<string>>;
}

/** A browser's Web Push subscription, tied to the session it was made in. */
export interface StoredPushSubscription {
  id: string;
  userId: string;
  sessionId: string;
  /** Normalised (server/push/endpoint-policy.ts); unique. */
  endpoint: string;
  p256dh: string;
  auth: string;
  createdAt: Date;
}

export interface PushSubscriptionRepository {
  byEndpoint(endpoint: string): Promise<StoredPushSubscription | null>;
  /**
   * Stores the subscription (one per endpoint: an endpoint that moved to another user or
   * session moves with it, dated anew), then keeps the user's newest `keep` and deletes
   * the rest, oldest first.
   */
  save(sub: StoredPushSubscription, keep: number): Promise<void>;
  /** The user's subscriptions whose session has not expired at `now`. */
  forUser(userId: string, now: Date): Promise<StoredPushSubscription[]>;
  /** Deletes the user's subscription with this endpoint, if any. */
  remove(userId: string, endpoint: string): Promise<void>;
  /** Deletes a subscription the push service said is gone. */
  removeById(id: string): Promise<void>;
}
