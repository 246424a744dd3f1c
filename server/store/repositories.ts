/**
 * Persistence ports. The domain depends on these interfaces only; `store/prisma/` implements
 * them on SQLite through Prisma, `store/memory/` in process for unit tests. Both pass the same
 * contract suite (`store/repositories.contract.ts`).
 */
import type { ChatMessage, MessageChange, MessageChangeKind, NotifyLevel, ReadState, RoomSummary, RoomVisibility, UserSummary } from "../contract/model";

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
  /** The rooms with these ids that exist (no access check: the caller made it). */
  findByIds(ids: string[]): Promise<RoomSummary[]>;
  rename(roomId: string, name: string): Promise<RoomSummary>;
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

export interface Repositories {
  rooms: RoomRepository;
  messages: MessageRepository;
  attention: AttentionRepository;
  search: SearchRepository;
  /** Releases what the repositories hold of their own (connections beside the client). */
  close?(): void;
}
