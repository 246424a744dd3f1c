import { LIMITS } from "../../contract/limits";
import { quoteOf, type ChatMessage, type MessageChange, type NotifyLevel, type RoomSummary, type UserSummary } from "../../contract/model";
import {
  SlugTakenError,
  type AppendResult,
  type AttentionRepository,
  type ReadState,
  type ChangeResult,
  type MessageRef,
  type NewChange,
  type MessageRepository,
  type NewMessage,
  type NewRoom,
  type RoomRepository,
  type SearchHit,
  type SearchRepository,
  type SearchRequest,
  InvalidCursorError,
  type Stores,
} from "../ports";
import { MemoryAccountData, MemoryPushSubscriptionStore, MemorySessionStore, MemoryTokenStore } from "./accounts";

/** In-process repositories for unit tests. Same contract as the Prisma ones. */
export class MemoryRoomRepository implements RoomRepository {
  private readonly rooms: RoomSummary[] = [];
  private readonly memberships = new Map<string, Map<string, UserSummary>>();
  private readonly invites = new Map<string, { roomId: string; expiresAt: Date; createdById?: string; createdAt: Date }>();
  private readonly removals = new Map<string, Date>();
  /** Names for members() (the database stores join the user table). */
  private readonly users = new Map<string, UserSummary>();

  /** The user as known now (their current name), or as given. */
  userNamed(user: UserSummary): UserSummary {
    return this.users.get(user.id) ?? user;
  }

  /** Makes a user known, as a database's user table does (tests: mentions, members, blocks). */
  addUser(user: UserSummary): void {
    this.users.set(user.id, { id: user.id, name: user.name });
  }

  async create(room: NewRoom): Promise<RoomSummary> {
    if (this.rooms.some((r) => r.slug === room.slug)) throw new SlugTakenError(room.slug);
    const summary: RoomSummary = {
      id: room.id,
      slug: room.slug,
      name: room.name,
      visibility: room.visibility,
      ownerId: room.createdById,
      createdAt: new Date().toISOString(),
    };
    this.rooms.push(summary);
    await this.addMember(room.id, room.createdById);
    return { ...summary };
  }

  async findBySlug(slug: string) {
    const r = this.rooms.find((room) => room.slug === slug);
    return r ? { ...r } : null;
  }

  async findById(id: string) {
    const r = this.rooms.find((room) => room.id === id);
    return r ? { ...r } : null;
  }

  async listVisibleTo(userId: string) {
    return this.rooms.filter((r) => r.visibility === "public" || this.memberships.get(r.id)?.has(userId)).map((r) => ({ ...r }));
  }

  async visibleIds(userId: string) {
    return (await this.listVisibleTo(userId)).map((r) => r.id);
  }

  async findVisibleNamed(userId: string, name: string) {
    const wanted = name.toLowerCase();
    return (await this.listVisibleTo(userId)).filter((r) => r.visibility !== "direct" && (r.slug.toLowerCase() === wanted || r.name.toLowerCase() === wanted));
  }

  async findByIds(ids: string[]) {
    return this.rooms.filter((r) => ids.includes(r.id)).map((r) => ({ ...r }));
  }

  async rename(roomId: string, name: string) {
    const room = this.rooms.find((r) => r.id === roomId);
    if (!room) throw new Error(`no room ${roomId}`);
    room.name = name;
    return { ...room };
  }

  async delete(roomId: string) {
    const i = this.rooms.findIndex((r) => r.id === roomId);
    if (i >= 0) this.rooms.splice(i, 1);
    this.memberships.delete(roomId);
  }

  async isMember(roomId: string, userId: string) {
    return this.memberships.get(roomId)?.has(userId) ?? false;
  }

  async addMember(roomId: string, userId: string) {
    let members = this.memberships.get(roomId);
    if (!members) this.memberships.set(roomId, (members = new Map()));
    members.set(userId, this.users.get(userId) ?? { id: userId, name: userId });
    this.removals.delete(`${roomId} ${userId}`);
  }

  async removeMember(roomId: string, userId: string, at: Date) {
    if (!(this.memberships.get(roomId)?.delete(userId) ?? false)) return false;
    this.removals.set(`${roomId} ${userId}`, at);
    for (const [hash, invite] of this.invites) if (invite.roomId === roomId && invite.createdById === userId) this.invites.delete(hash);
    return true;
  }

  async removedAt(roomId: string, userId: string) {
    return this.removals.get(`${roomId} ${userId}`) ?? null;
  }

  async usersByIds(ids: string[]) {
    return ids.flatMap((id) => {
      const user = this.users.get(id);
      return user ? [{ ...user }] : [];
    });
  }

  async members(roomId: string) {
    return [...(this.memberships.get(roomId)?.values() ?? [])].map((u) => ({ ...u }));
  }

  /** Each direct conversation's members follow it (the Prisma store does it in the same commit). */
  onDirectCreated?: (roomId: string, memberIds: string[]) => void;
  /** Users that are guests (findPerson). */
  readonly guests = new Set<string>();
  private readonly blocks = new Set<string>();
  /** When each room's latest message was stored (lastMessageAt). */
  readonly lastMessage = new Map<string, string>();

  async createDirect(room: NewRoom, memberIds: string[]) {
    if (this.rooms.some((r) => r.id === room.id)) return false;
    await this.create(room);
    for (const id of memberIds) await this.addMember(room.id, id);
    this.onDirectCreated?.(room.id, memberIds);
    return true;
  }

  async findPerson(userId: string) {
    const user = this.users.get(userId);
    return user ? { ...user, guest: this.guests.has(userId) } : null;
  }

  async lastMessageAt(roomIds: string[]) {
    return new Map(roomIds.flatMap((id) => (this.lastMessage.has(id) ? [[id, this.lastMessage.get(id)!] as const] : [])));
  }

  async setBlock(blockerId: string, blockedId: string, on: boolean) {
    if (on) this.blocks.add(`${blockerId}\n${blockedId}`);
    else this.blocks.delete(`${blockerId}\n${blockedId}`);
  }

  /** Whether `blockerId` blocks `blockedId` (one way). */
  isBlocking(blockerId: string, blockedId: string): boolean {
    return this.blocks.has(`${blockerId}\n${blockedId}`);
  }

  async blockedEitherWay(a: string, b: string) {
    return this.blocks.has(`${a}\n${b}`) || this.blocks.has(`${b}\n${a}`);
  }

  async blockedBy(userId: string) {
    return [...this.blocks].flatMap((key) => {
      const [blocker, blocked] = key.split("\n") as [string, string];
      return blocker === userId ? [this.users.get(blocked) ?? { id: blocked, name: blocked }] : [];
    });
  }

  async createInvite(invite: { roomId: string; tokenHash: string; createdById: string; expiresAt: Date }) {
    this.invites.set(invite.tokenHash, { roomId: invite.roomId, expiresAt: invite.expiresAt, createdById: invite.createdById, createdAt: new Date() });
  }

  async findInvite(tokenHash: string, now: Date) {
    const invite = this.invites.get(tokenHash);
    return invite && invite.expiresAt > now ? { roomId: invite.roomId, createdAt: invite.createdAt } : null;
  }
}

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

  /** The room's latest seq (0 before any message). */
  latestSeq(roomId: string): number {
    return this.byRoom.get(roomId)?.at(-1)?.seq ?? 0;
  }

  /** A copy with its reply's quote, as the original is now. */
  private shown(m: ChatMessage): ChatMessage {
    const copied = copy(m);
    const original = this.byId.get(this.replies.get(m.id) ?? "");
    return original ? { ...copied, replyTo: quoteOf(original) } : copied;
  }

  async append(m: NewMessage): Promise<AppendResult> {
    const key = `${m.author.id}\u0000${m.clientId}`;
    const existing = this.byClientId.get(key);
    if (existing) return { message: copy(existing), duplicate: true };
    const log = this.byRoom.get(m.roomId) ?? [];
    const message: ChatMessage = {
      id: m.id,
      roomId: m.roomId,
      seq: (log.at(-1)?.seq ?? 0) + 1,
      clientId: m.clientId,
      author: { ...m.author },
      body: m.body,
      createdAt: new Date().toISOString(),
    };
    if (m.replyToId) this.replies.set(m.id, m.replyToId);
    log.push(message);
    this.byRoom.set(m.roomId, log);
    this.byId.set(m.id, message);
    this.byClientId.set(key, message);
    this.stored.push(message);
    this.onAppended?.(message);
    return { message: copy(message), duplicate: false };
  }

  async pageBefore(roomId: string, before: number | undefined, limit: number) {
    const log = (this.byRoom.get(roomId) ?? []).filter((m) => before === undefined || m.seq < before);
    return log.slice(Math.max(0, log.length - limit)).map((m) => this.shown(m));
  }

  async pageAfter(roomId: string, after: number, limit: number) {
    return (this.byRoom.get(roomId) ?? [])
      .filter((m) => m.seq > after)
      .slice(0, limit)
      .map((m) => this.shown(m));
  }

  async findMessage(messageId: string): Promise<MessageRef | null> {
    const m = this.byId.get(messageId);
    return m ? { id: m.id, roomId: m.roomId, seq: m.seq, authorId: m.author.id, authorName: m.author.name, body: m.body, deleted: m.deleted === true } : null;
  }

  async applyChange(c: NewChange): Promise<ChangeResult | null> {
    const key = `${c.actor.id}\u0000${c.clientChangeId}`;
    const stored = this.changeByClientId.get(key);
    if (stored) return { change: { ...stored }, duplicate: true };
    const m = this.byId.get(c.messageId);
    if (!m || m.roomId !== c.roomId || m.deleted) return null;
    const mine = (m.reactions ?? []).find((r) => r.emoji === c.emoji)?.users.some((u) => u.id === c.actor.id) ?? false;
    const room = !!m.reactions?.some((r) => r.emoji === c.emoji) || (m.reactions?.length ?? 0) < LIMITS.distinctReactions;
    const holds = { edit: m.author.id === c.actor.id, delete: m.author.id === c.actor.id, react: !mine && room, unreact: mine }[c.kind];
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
      delete m.reactions;
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

export class MemoryAttentionRepository implements AttentionRepository {
  /** userId → roomId → readSeq, in the order followed. */
  private readonly follows = new Map<string, Map<string, number>>();
  /** `${userId} ${roomId}` → the level chosen. */
  private readonly levels = new Map<string, NotifyLevel>();

  constructor(
    private readonly rooms: MemoryRoomRepository,
    private readonly messages: MemoryMessageRepository,
  ) {
    rooms.onDirectCreated = (roomId, memberIds) => {
      for (const id of memberIds) if (!this.of(id).has(roomId)) this.of(id).set(roomId, 0);
    };
    messages.onAppended = (m) => {
      rooms.lastMessage.set(m.roomId, m.createdAt);
      const read = this.follows.get(m.author.id);
      if ((read?.get(m.roomId) ?? Infinity) < m.seq) read!.set(m.roomId, m.seq);
    };
  }

  private state(roomId: string, readSeq: number, userId?: string): ReadState {
    const notify = userId === undefined ? undefined : this.levels.get(`${userId} ${roomId}`);
    return { roomId, readSeq, latestSeq: this.messages.latestSeq(roomId), ...(notify ? { notify } : {}) };
  }

  async setNotify(userId: string, roomId: string, level: NotifyLevel | null) {
    const read = this.of(userId);
    if (!read.has(roomId)) read.set(roomId, this.messages.latestSeq(roomId));
    if (level === null) this.levels.delete(`${userId} ${roomId}`);
    else this.levels.set(`${userId} ${roomId}`, level);
    return this.state(roomId, read.get(roomId)!, userId);
  }

  private of(userId: string) {
    let read = this.follows.get(userId);
    if (!read) this.follows.set(userId, (read = new Map()));
    return read;
  }

  async follow(userId: string, roomId: string) {
    const read = this.of(userId);
    if (!read.has(roomId)) read.set(roomId, this.messages.latestSeq(roomId));
    return this.state(roomId, read.get(roomId)!, userId);
  }

  async following(userId: string, roomId: string) {
    const read = this.follows.get(userId)?.get(roomId);
    return read === undefined ? null : this.state(roomId, read, userId);
  }

  async unfollow(userId: string, roomId: string) {
    this.follows.get(userId)?.delete(roomId);
  }

  async markRead(userId: string, roomId: string, seq: number) {
    const read = this.of(userId);
    const to = Math.max(read.get(roomId) ?? 0, Math.min(seq, this.messages.latestSeq(roomId)));
    read.set(roomId, to);
    return this.state(roomId, to, userId);
  }

  async markAllRead(userId: string) {
    const read = this.of(userId);
    for (const roomId of read.keys()) read.set(roomId, this.messages.latestSeq(roomId));
    return this.followed(userId);
  }

  async mentionsAfter(userId: string, roomId: string, after: number, limit: number) {
    const token = `<@${userId}>`;
    return (await this.messages.pageAfter(roomId, after, Number.MAX_SAFE_INTEGER))
      .filter((m) => m.author.id !== userId && !this.rooms.isBlocking(userId, m.author.id) && (m.body.includes(token) || m.body.includes("<@room>")))
      .slice(0, limit)
      .map((m) => m.seq);
  }

  async followerCount(roomId: string) {
    return [...this.follows.values()].filter((read) => read.has(roomId)).length;
  }

  async followed(userId: string) {
    const visible = new Set((await this.rooms.listVisibleTo(userId)).map((r) => r.id));
    return [...this.of(userId)]
      .filter(([roomId]) => visible.has(roomId))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([roomId, readSeq]) => this.state(roomId, readSeq, userId));
  }
}

/** Case set aside, as the databases' trigram indexes do (diacritics are kept). */
const folded = (text: string) => text.toLowerCase();

/** Search by walking every message, newest first: the same contract as the indexes. */
export class MemorySearchRepository implements SearchRepository {
  constructor(
    private readonly messages: MemoryMessageRepository,
    private readonly rooms: MemoryRoomRepository,
  ) {}

  async search(request: SearchRequest): Promise<{ hits: SearchHit[]; next: string | null }> {
    if (request.roomIds.length === 0 || (request.terms.length === 0 && request.authorName === undefined)) return { hits: [], next: null };
    if (request.cursor !== undefined && !/^\d{1,16}$/.test(request.cursor)) throw new InvalidCursorError();
    const rooms = new Set(request.roomIds);
    const terms = request.terms.map(folded);
    const hits: SearchHit[] = [];
    const all = this.messages.stored;
    for (let i = Math.min(all.length, Number(request.cursor ?? all.length)) - 1; i >= 0; i--) {
      const m = all[i]!;
      if (m.deleted || !rooms.has(m.roomId)) continue;
      const author = this.rooms.userNamed(m.author);
      if (request.authorName !== undefined && author.name.toLowerCase() !== request.authorName.toLowerCase()) continue;
      const text = folded(m.body);
      if (!terms.every((t) => text.includes(t))) continue;
      if (hits.length === request.limit) return { hits, next: String(i + 1) };
      hits.push({ id: m.id, roomId: m.roomId, seq: m.seq, author: { ...author }, body: m.body, createdAt: m.createdAt, ...(m.editedAt ? { editedAt: m.editedAt } : {}) });
    }
    return { hits, next: null };
  }
}

/** A copy that shares nothing with what the repository keeps. */
function copy(m: ChatMessage): ChatMessage {
  return structuredClone(m);
}

/** Every port in process, with the users and sessions tests make (`accounts`). */
export function memoryRepositories(): Stores & { rooms: MemoryRoomRepository; accounts: MemoryAccountData } {
  const rooms = new MemoryRoomRepository();
  const messages = new MemoryMessageRepository();
  const accounts = new MemoryAccountData();
  return {
    rooms,
    messages,
    attention: new MemoryAttentionRepository(rooms, messages),
    search: new MemorySearchRepository(messages, rooms),
    sessions: new MemorySessionStore(accounts),
    tokens: new MemoryTokenStore(accounts),
    pushSubscriptions: new MemoryPushSubscriptionStore(accounts),
    accounts,
  };
}
