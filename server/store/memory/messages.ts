import { LIMITS } from "../../contract/limits";
import { quoteOf, type ChatMessage, type MessageChange } from "../../contract/model";
import { FileTakenError, type AppendResult, type ChangeResult, type MessageRef, type MessageRepository, type NewChange, type NewMessage } from "../ports";
import type { MemoryFileRepository } from "./files";

export class MemoryMessageRepository implements MessageRepository {
  private readonly byRoom = new Map<string, ChatMessage[]>();
  private readonly byId = new Map<string, ChatMessage>();
  private readonly byClientId = new Map<string, ChatMessage>();
  private readonly changes = new Map<string, MessageChange[]>();
  private readonly changeByClientId = new Map<string, MessageChange>();
  /** Reply id → the id of the message it replies to. */
  private readonly replies = new Map<string, string>();
  /** Every stored message, in the order stored (search walks it from the end). */
  readonly stored: ChatMessage[] = [];
  /** Told of each stored message (the attention repository moves its author's read position). */
  onAppended?: (message: ChatMessage) => void;

  /** `files`: the records an append links its files in (as the databases' appends do in their commit). */
  constructor(private readonly files?: MemoryFileRepository) {}

  /** The room's latest seq (0 before any message). */
  latestSeq(roomId: string): number {
    return this.byRoom.get(roomId)?.at(-1)?.seq ?? 0;
  }

  /** A copy with its reply's quote as the original is now, and its author's avatar now (the databases join both). */
  private shown(m: ChatMessage): ChatMessage {
    const copied = copy(m);
    const avatar = this.files?.avatarOf.get(m.author.id);
    copied.author = { id: m.author.id, name: m.author.name, ...(avatar ? { avatar } : {}) };
    const original = this.byId.get(this.replies.get(m.id) ?? "");
    return original ? { ...copied, replyTo: quoteOf(original) } : copied;
  }

  async append(m: NewMessage): Promise<AppendResult> {
    const key = `${m.author.id}\u0000${m.clientId}`;
    const existing = this.byClientId.get(key);
    if (existing) return { message: this.shown(existing), duplicate: true };
    const log = this.byRoom.get(m.roomId) ?? [];
    const fileIds = m.attachments?.map((a) => a.id) ?? [];
    if (fileIds.length > 0 && this.files && !this.files.link(fileIds, m.author.id, m.roomId, m.id)) throw new FileTakenError();
    const message: ChatMessage = {
      id: m.id,
      roomId: m.roomId,
      seq: (log.at(-1)?.seq ?? 0) + 1,
      clientId: m.clientId,
      author: { id: m.author.id, name: m.author.name },
      body: m.body,
      createdAt: new Date().toISOString(),
      ...(m.attachments?.length ? { attachments: structuredClone(m.attachments) } : {}),
    };
    if (m.replyToId) this.replies.set(m.id, m.replyToId);
    log.push(message);
    this.byRoom.set(m.roomId, log);
    this.byId.set(m.id, message);
    this.byClientId.set(key, message);
    this.stored.push(message);
    this.onAppended?.(message);
    return { message: { ...copy(message), author: { ...m.author } }, duplicate: false };
  }

  async pageBefore(roomId: string, before: number | undefined, limit: number) {
    const log = (this.byRoom.get(roomId) ?? []).filter((m) => before === undefined || m.seq < before);
    return log.slice(Math.max(0, log.length - limit)).map((m) => this.shown(m));
  }

  async joinPage(roomId: string, after: number | undefined, limit: number) {
    const changeCursor = await this.changeCursor(roomId);
    return { changeCursor, messages: await (after === undefined ? this.pageBefore(roomId, undefined, limit) : this.pageAfter(roomId, after, limit)) };
  }

  async pageAfter(roomId: string, after: number, limit: number) {
    return (this.byRoom.get(roomId) ?? [])
      .filter((m) => m.seq > after)
      .slice(0, limit)
      .map((m) => this.shown(m));
  }

  async findMessage(messageId: string): Promise<MessageRef | null> {
    const m = this.byId.get(messageId);
    return m
      ? { id: m.id, roomId: m.roomId, seq: m.seq, authorId: m.author.id, authorName: m.author.name, body: m.body, deleted: m.deleted === true, ...(m.attachments ? { attachments: structuredClone(m.attachments) } : {}) }
      : null;
  }

  async applyChange(c: NewChange): Promise<ChangeResult | null> {
    const key = `${c.actor.id}\u0000${c.clientChangeId}`;
    const stored = this.changeByClientId.get(key);
    if (stored) return { change: { ...stored }, duplicate: true };
    const m = this.byId.get(c.messageId);
    if (!m || m.roomId !== c.roomId || m.deleted) return null;
    const mine = (m.reactions ?? []).find((r) => r.emoji === c.emoji)?.users.some((u) => u.id === c.actor.id) ?? false;
    const room = !!m.reactions?.some((r) => r.emoji === c.emoji) || (m.reactions?.length ?? 0) < LIMITS.distinctReactions;
    const holds = { edit: m.author.id === c.actor.id, delete: m.author.id === c.actor.id || c.moderated === true, react: !mine && room, unreact: mine }[c.kind];
    if (!holds) return null;
    const log = this.changes.get(c.roomId) ?? [];
    const change: MessageChange = {
      roomId: c.roomId,
      cseq: (log.at(-1)?.cseq ?? 0) + 1,
      messageId: m.id,
      messageSeq: m.seq,
      actor: { ...c.actor },
      clientChangeId: c.clientChangeId,
      kind: c.kind,
      ...(c.kind === "edit" ? { body: c.body } : {}),
      ...(c.emoji !== undefined && (c.kind === "react" || c.kind === "unreact") ? { emoji: c.emoji } : {}),
      createdAt: new Date().toISOString(),
    };
    if (c.kind === "edit") {
      m.body = c.body ?? "";
      m.editedAt = change.createdAt;
    } else if (c.kind === "delete") {
      m.body = "";
      m.deleted = true;
      if (m.author.id !== c.actor.id) m.removed = true;
      delete m.reactions;
      delete m.attachments;
      this.files?.unlinkDeleted(m.id);
      for (const earlier of log) if (earlier.messageId === m.id) delete earlier.body;
    } else if (c.kind === "react") {
      const reactions = (m.reactions ??= []);
      let entry = reactions.find((r) => r.emoji === c.emoji);
      if (!entry) reactions.push((entry = { emoji: c.emoji!, users: [] }));
      entry.users.push({ ...c.actor });
    } else {
      const entry = m.reactions!.find((r) => r.emoji === c.emoji)!;
      entry.users = entry.users.filter((u) => u.id !== c.actor.id);
      m.reactions = m.reactions!.filter((r) => r.users.length > 0);
      if (m.reactions.length === 0) delete m.reactions;
    }
    log.push(change);
    this.changes.set(c.roomId, log);
    this.changeByClientId.set(key, change);
    return { change: { ...change }, duplicate: false };
  }

  async changesAfter(roomId: string, after: number, limit: number): Promise<MessageChange[]> {
    return (this.changes.get(roomId) ?? []).filter((c) => c.cseq > after).slice(0, limit).map((c) => ({ ...c }));
  }

  async changedSince(roomId: string, after: number, limit: number): Promise<{ messages: ChatMessage[]; more: boolean }> {
    const ids = [...new Set((this.changes.get(roomId) ?? []).filter((c) => c.cseq > after).map((c) => c.messageId))];
    const messages = ids.slice(0, limit).map((id) => this.byId.get(id)!).sort((a, b) => a.seq - b.seq).map((m) => this.shown(m));
    return { messages, more: ids.length > limit };
  }

  async changeCursor(roomId: string): Promise<number> {
    return this.changes.get(roomId)?.at(-1)?.cseq ?? 0;
  }
}

/** A copy that shares nothing with what the repository keeps. */
function copy(m: ChatMessage): ChatMessage {
  return structuredClone(m);
}
