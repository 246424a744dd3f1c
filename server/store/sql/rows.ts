/**
 * Rows as the engines' SQL reads them (flat: the author's name joined in), mapped to the
 * contract's types once, for SQLite and PostgreSQL alike.
 */
import { person, quoteOf, type Attachment, type ChatMessage, type MessageChange, type ReactionSummary, type ReplyQuote, type RoomSummary, type RoomVisibility } from "../../contract/model";
import type { MessageRef, SearchHit } from "../ports";

export type MessageRow = {
  id: string;
  roomId: string;
  seq: number;
  clientId: string;
  body: string;
  createdAt: string | number | Date;
  authorId: string;
  authorName: string;
  /** The author's account `image`: their avatar file's id, or null. */
  authorImage?: string | null;
  editedAt?: string | number | Date | null;
  deletedAt?: string | number | Date | null;
  /** Who deleted it (its author, or a moderator who removed it). */
  deletedById?: string | null;
  replyToId?: string | null;
  /** A JSON array of attachments (written once by the append), or null. */
  attachments?: string | null;
};

/** The attachments column as the contract has it (absent when none). */
export function parseAttachments(column: string | null | undefined): Attachment[] | undefined {
  if (!column) return undefined;
  const list = JSON.parse(column) as Attachment[];
  return list.length > 0 ? list : undefined;
}

/** A change as stored (message-changes.sql.mjs reads it back the same way). */
export type ChangeRow = {
  id: string;
  roomId: string;
  cseq: number;
  messageId: string;
  messageSeq: number;
  actorId: string;
  actorName: string;
  clientChangeId: string;
  kind: MessageChange["kind"];
  body: string | null;
  emoji: string | null;
  createdAt: string | number | Date;
};

const iso = (t: string | number | Date) => new Date(t).toISOString();

export const toMessage = (r: MessageRow, reactions?: ReactionSummary[], replyTo?: ReplyQuote): ChatMessage => ({
  id: r.id,
  roomId: r.roomId,
  seq: r.seq,
  clientId: r.clientId,
  body: r.body,
  createdAt: iso(r.createdAt),
  author: person(r.authorId, r.authorName, r.authorImage),
  ...(r.editedAt ? { editedAt: iso(r.editedAt) } : {}),
  ...(r.deletedAt ? { deleted: true as const } : {}),
  ...(r.deletedAt && r.deletedById && r.deletedById !== r.authorId ? { removed: true as const } : {}),
  ...(reactions && reactions.length > 0 ? { reactions } : {}),
  ...(replyTo ? { replyTo } : {}),
  ...withAttachments(r.deletedAt ? null : r.attachments),
});

const withAttachments = (column: string | null | undefined) => {
  const attachments = parseAttachments(column);
  return attachments ? { attachments } : {};
};

/** What REF_SELECT reads. */
export type RefRow = { id: string; roomId: string; seq: number; authorId: string; authorName: string; body: string; deletedAt: unknown; attachments?: string | null };

export const toRef = (r: RefRow): MessageRef => {
  const attachments = r.deletedAt === null ? parseAttachments(r.attachments) : undefined;
  return { id: r.id, roomId: r.roomId, seq: Number(r.seq), authorId: r.authorId, authorName: r.authorName, body: r.body, deleted: r.deletedAt !== null, ...(attachments ? { attachments } : {}) };
};

export type OriginalRow = { id: string; seq: number; body: string; deletedAt: unknown; authorId: string; authorName: string; attachments?: string | null };

/** Quotes of the replied-to messages, by id, as they are now. */
export const quotesOf = (rows: OriginalRow[]): Map<string, ReplyQuote> =>
  new Map(rows.map((r) => [r.id, quoteOf({ id: r.id, seq: r.seq, body: r.body, deleted: r.deletedAt !== null, author: { id: r.authorId, name: r.authorName }, attachments: parseAttachments(r.attachments) })]));

export const toChange = (r: ChangeRow): MessageChange => ({
  roomId: r.roomId,
  cseq: Number(r.cseq),
  messageId: r.messageId,
  messageSeq: Number(r.messageSeq),
  actor: { id: r.actorId, name: r.actorName },
  clientChangeId: r.clientChangeId,
  kind: r.kind,
  ...(r.body !== null && r.kind === "edit" ? { body: r.body } : {}),
  ...(r.emoji !== null ? { emoji: r.emoji } : {}),
  createdAt: iso(r.createdAt),
});

export type ReactionRow = { messageId: string; emoji: string; userId: string; userName: string };

/** Reactions grouped per message, each emoji in the order it was first used. */
export function groupReactions(rows: ReactionRow[]): Map<string, ReactionSummary[]> {
  const byMessage = new Map<string, ReactionSummary[]>();
  for (const r of rows) {
    let list = byMessage.get(r.messageId);
    if (!list) byMessage.set(r.messageId, (list = []));
    let entry = list.find((e) => e.emoji === r.emoji);
    if (!entry) list.push((entry = { emoji: r.emoji, users: [] }));
    entry.users.push({ id: r.userId, name: r.userName });
  }
  return byMessage;
}

export type RoomRow = { id: string; slug: string; name: string; visibility: string; createdById: string; createdAt: string | number | Date };

/** A room as the contract has it. */
export const roomSummary = (r: RoomRow): RoomSummary => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  visibility: r.visibility as RoomVisibility,
  ownerId: r.createdById,
  createdAt: new Date(r.createdAt).toISOString(),
});

/** A search hit as both engines' search statements read it. */
export type SearchRow = {
  id: string;
  roomId: string;
  seq: number;
  authorId: string;
  authorName: string;
  body: string;
  createdAt: string | number | Date;
  editedAt: string | number | Date | null;
};

export const toHit = (r: SearchRow): SearchHit => ({
  id: r.id,
  roomId: r.roomId,
  seq: Number(r.seq),
  author: { id: r.authorId, name: r.authorName },
  body: r.body,
  createdAt: iso(r.createdAt),
  ...(r.editedAt ? { editedAt: iso(r.editedAt) } : {}),
});
