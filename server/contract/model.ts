/** Shapes that travel over the wire. Dates are ISO-8601 strings. */
import { describeAttachments, type Attachment } from "./files";
import { MENTION } from "./mentions";

export type { Attachment };

export interface UserSummary {
  id: string;
  name: string;
  /**
   * Their profile picture: an avatar file's id (its square thumbnail is
   * `thumbnailUrl(avatar)`); absent without one, and initials are shown instead.
   */
  avatar?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A person as the stores read them: the account's `image` column holds their avatar file's
 * id (set only through `account:avatar`); anything else there is ignored.
 */
export function person(id: string, name: string, image?: string | null): UserSummary {
  return image && UUID.test(image) ? { id, name, avatar: image } : { id, name };
}

/** Only a person's own fields (what presence and typing keep of a connection's user). */
export const summaryOf = (user: UserSummary): UserSummary => person(user.id, user.name, user.avatar);

/** What one may do in a room beyond reading and writing it. */
export interface RoomPowers {
  /** Remove anyone's message here: an administrator, the room's owner or one of its moderators. */
  moderate: boolean;
  /** Appoint and dismiss its moderators: its owner or an administrator. */
  appoint: boolean;
  /** Whether the user is muted here (in this room, or everywhere): they read, they cannot write. */
  muted: MuteState | null;
}

/** A mute in force on someone: until when (null: until lifted), why, and where. */
export interface MuteState {
  until: string | null;
  reason: string;
  /** In this room only, or on the whole instance; "guests": guests are read-only on this server (the reason says so). */
  scope: "room" | "instance" | "guests";
}

/** A mute or a ban in force, as moderators and administrators list them. */
export interface SanctionSummary {
  user: UserSummary;
  kind: "mute" | "ban";
  /** The room it applies in (a ban in a room is a kick); null: the whole instance. */
  roomId: string | null;
  until: string | null;
  reason: string;
  since: string;
}

/** A person as the administration page lists them: who, what kind, their role, and any instance-wide ban or mute in force. */
export interface AdminPerson extends UserSummary {
  username: string | null;
  guest: boolean;
  role: "admin" | "member";
  joinedAt: string;
  banned: { until: string | null; reason: string } | null;
  muted: { until: string | null; reason: string } | null;
}

/** A room as the administration page lists it. */
export interface AdminRoom {
  room: RoomSummary;
  owner: UserSummary | null;
  moderators: UserSummary[];
}

/** Why a message is reported: a short list (with a note of the reporter's own). */
export const REPORT_REASONS = ["spam", "abuse", "explicit", "other"] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** A report of a message, as the room's moderators and administrators see it in their queue. */
export interface ReportSummary {
  id: string;
  room: { id: string; name: string; slug: string | null };
  message: {
    id: string;
    seq: number;
    author: UserSummary;
    /** The text as it was reported (kept while the report is open); "" once the report is closed. */
    text: string;
    /** The author (or a moderator) deleted it since. */
    deleted: boolean;
  };
  reporter: UserSummary;
  reason: ReportReason;
  note: string;
  at: string;
  status: "open" | "removed" | "dismissed";
  resolvedBy: UserSummary | null;
  resolvedAt: string | null;
}

/** One entry of the audit log, as administrators read it. */
/** One of a room's people (its members or followers, and its owner), with what they are there. */
export interface RoomPerson extends UserSummary {
  guest: boolean;
  /** "owner", "moderator", "admin" (an administrator of the instance), or null. */
  role: "owner" | "moderator" | "admin" | null;
}

/** A removal of all of one person's messages (a background task), as administrators see it. */
export interface PurgeSummary {
  id: string;
  user: UserSummary;
  /** Who asked ("command line" for the operator). */
  byName: string;
  reason: string;
  /** "pending" (waiting for a node), "running", "done", or "stopped" (whoever asked is no longer an administrator). */
  state: "pending" | "running" | "done" | "stopped";
  /** Messages removed so far. */
  removed: number;
  createdAt: string;
  finishedAt: string | null;
}

/** Who may come in without an account: "open" (guests read and write), "read-only", "off" (no new guests; those there read only). */
export type GuestAccess = "open" | "read-only" | "off";

/** The instance's settings as administrators see them; `locked`: set by the server's environment, which wins. */
export interface InstanceSettings {
  guestAccess: GuestAccess;
  /** Guests whose sessions were not used for this many days are anonymised and signed out (null: never). */
  guestIdleDays: number | null;
  locked: { guestAccess: boolean; guestIdleDays: boolean };
}

export interface AuditRecord {
  id: string;
  at: string;
  /** Null: the operator, at the command line. */
  actor: UserSummary | null;
  actorName: string;
  /** What was done: `message.remove`, `user.mute`, `user.kick`, `user.ban`, `user.role`, `room.moderator`, … */
  action: string;
  target: UserSummary | null;
  room: { id: string; name: string } | null;
  reason: string;
  detail: Record<string, unknown>;
}

/** What the signed-in user knows of their own account. */
export interface AccountInfo {
  /** A guest has no username or password yet, and may create an account keeping their history. */
  guest: boolean;
  username: string | null;
  /** An administrator of the instance (as read when the session was asked for): the sidebar links the administration page. */
  admin?: boolean;
}

/**
 * "public": listed, open to everyone signed in; "private": members only, by invite;
 * "direct": a conversation between two people (server/contract/direct.ts).
 */
export type RoomVisibility = "public" | "private" | "direct";

export interface RoomSummary {
  id: string;
  slug: string;
  name: string;
  /** Public rooms are listed for everyone; private ones only for their members. */
  visibility: RoomVisibility;
  /** The creator, who may rename the room, remove members and delete it. */
  ownerId: string;
  createdAt: string;
  /**
   * A direct conversation's other person, as the reader sees it (themselves in a notepad);
   * `name` is then theirs too. Absent for rooms.
   */
  peer?: UserSummary;
  /**
   * A direct conversation nobody has written in yet: it can be opened, and is created by
   * its first message. Absent once it exists, and for rooms.
   */
  draft?: true;
  /** When its latest message was stored (direct conversations, to order them); absent before any. */
  lastMessageAt?: string;
}

export interface ChatMessage {
  id: string;
  roomId: string;
  /** Strictly increasing within a room, assigned by the server at commit. Order by this. */
  seq: number;
  /** The id the sending client gave the message before sending it (a UUID). */
  clientId: string;
  author: UserSummary;
  /** The current text; empty for a deleted message. */
  body: string;
  createdAt: string;
  /** When the text was last edited; absent if it never was. */
  editedAt?: string;
  /** A tombstone: the message was deleted, its text is gone. Absent otherwise. */
  deleted?: true;
  /** Deleted by a moderator or an administrator, not by its author ("Removed by a moderator"). */
  removed?: true;
  /** Who reacted with what, each emoji in the order it was first used; absent when none. */
  reactions?: ReactionSummary[];
  /** The message this one replies to, as it is now (a tombstone if it was deleted). */
  replyTo?: ReplyQuote;
  /**
   * The people its text mentions (`<@userId>` in `body`), with their current names; absent
   * when it mentions nobody. Someone unknown is left out (the text shows the token's id).
   */
  mentions?: UserSummary[];
  /** Its files, in the order attached (server/contract/files.ts); absent when none, and once deleted. */
  attachments?: Attachment[];
}

/** A compact quote of a replied-to message: enough to show it and to find it. */
export interface ReplyQuote {
  id: string;
  seq: number;
  author: UserSummary;
  /** The start of its current text (empty when deleted). */
  excerpt: string;
  deleted?: true;
}

/** How much of a replied-to message a quote carries. */
export const QUOTE_EXCERPT_LENGTH = 140;

/** A quote of `m` as it is now. */
export function quoteOf(m: { id: string; seq: number; author: UserSummary; body: string; deleted?: boolean; attachments?: readonly Pick<Attachment, "name">[] }): ReplyQuote {
  // A message of files only is quoted by its files' names.
  const text = m.body.trim() === "" ? describeAttachments(m.attachments) : m.body;
  const chars = [...text];
  const excerpt = chars.length > QUOTE_EXCERPT_LENGTH ? `${chars.slice(0, QUOTE_EXCERPT_LENGTH).join("")}…` : text;
  return { id: m.id, seq: m.seq, author: m.author, excerpt: m.deleted ? "" : excerpt, ...(m.deleted ? { deleted: true as const } : {}) };
}

/**
 * A message's text on one line for a notification: mentions as the names they stand for
 * (`@room`, or "@someone" for a person not known), white space collapsed, at most
 * QUOTE_EXCERPT_LENGTH characters.
 */
export function plainExcerpt(body: string, mentions: readonly UserSummary[] = []): string {
  const names = new Map(mentions.map((u) => [u.id, u.name]));
  const text = body
    .replace(MENTION, (_, id: string) => (id === "room" ? "@room" : `@${names.get(id) ?? "someone"}`))
    .replace(/\s+/g, " ")
    .trim();
  const chars = [...text];
  return chars.length > QUOTE_EXCERPT_LENGTH ? `${chars.slice(0, QUOTE_EXCERPT_LENGTH - 1).join("")}…` : text;
}

/**
 * A message on one line where only text fits (a notification, a push): its text as
 * `plainExcerpt` makes it, then its files named ("📎 photo.jpg, report.pdf"); a message of
 * files only is its files.
 */
export function messageExcerpt(m: { body: string; mentions?: readonly UserSummary[]; attachments?: readonly Pick<Attachment, "name">[] }): string {
  const files = describeAttachments(m.attachments);
  const text = plainExcerpt(m.body, m.mentions);
  if (!files) return text;
  return text ? plainExcerpt(`${text} ${files}`) : plainExcerpt(files);
}

export interface ReactionSummary {
  emoji: string;
  /** In the order they reacted. */
  users: UserSummary[];
}

/** The kinds of change a message can undergo after it was sent. */
export type MessageChangeKind = "edit" | "delete" | "react" | "unreact";

/**
 * One change to a message, in its room's change order. `cseq` is strictly increasing within
 * a room, without gaps, assigned at commit: a client holding changes up to `cseq` n asks for
 * those after n and applies them in order (each sets state, so applying one twice is harmless).
 */
export interface MessageChange {
  roomId: string;
  cseq: number;
  messageId: string;
  /** The changed message's seq, to find it in a log ordered by seq. */
  messageSeq: number;
  actor: UserSummary;
  /** The id the acting client gave the change (a UUID): a resent change is applied once. */
  clientChangeId: string;
  kind: MessageChangeKind;
  /** An edit's new text. */
  body?: string;
  /** The people an edit's new text mentions, as for a message. */
  mentions?: UserSummary[];
  /** A reaction's emoji (react, unreact). */
  emoji?: string;
  createdAt: string;
}

/** Changes after a cursor, ascending by cseq. */
export interface ChangesPage {
  changes: MessageChange[];
  /** True when more follow: ask again after the last one. */
  hasMore: boolean;
}

export interface HistoryPage {
  /** Ascending by seq. */
  messages: ChatMessage[];
  /** True when messages older than the first one returned exist. */
  hasMore: boolean;
}

/** A personal API token as listed: never the token itself, which is shown once at creation. */
export interface ApiTokenSummary {
  id: string;
  name: string;
  /** The token's first characters, to recognise it. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/**
 * How far a user has read a room they follow: unread is `latestSeq - readSeq` (a room's seq
 * has no gaps). `readSeq` only ever moves forward; sending a message moves it to that
 * message, so one's own messages are never unread.
 */
export interface ReadState {
  roomId: string;
  readSeq: number;
  latestSeq: number;
  /**
   * The seqs of the unread messages (after `readSeq`) that mention the user, oldest first,
   * up to 100; absent when there are none.
   */
  mentionSeqs?: number[];
  /**
   * When the user is notified of the room's messages, if they chose: every message, mentions
   * only, or never. Absent: the default (mentions in public rooms, everything in private ones).
   */
  notify?: NotifyLevel;
}

/** When a user is notified of a room's messages. */
export type NotifyLevel = "all" | "mentions" | "off";
