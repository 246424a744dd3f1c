import type { RoomSummary, UserSummary } from "../../contract/model";
import { SlugTakenError, type NewRoom, type RoomRepository } from "../ports";

/** Rooms in process, for unit tests: the same contract as the database stores. */
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

  /** Each user's avatar now (the file store's: memoryRepositories wires it), as the databases join it. */
  avatarOf?: (userId: string) => string | undefined;

  /** A known user as the databases read them now (their avatar included). */
  private person(userId: string): UserSummary | undefined {
    const user = this.users.get(userId);
    if (!user) return undefined;
    const avatar = this.avatarOf?.(userId);
    return avatar ? { ...user, avatar } : { ...user };
  }

  /** Makes a user known, as a database's user table does (tests: mentions, members, blocks). */
  addUser(user: UserSummary): void {
    this.users.set(user.id, { id: user.id, name: user.name });
  }

  /** A user's new name (a database's user table has one name: messages and lists show it). */
  renameUser(userId: string, name: string): void {
    const user = this.users.get(userId);
    if (user) user.name = name;
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

  async allRooms(page: { offset: number; limit: number }) {
    return this.rooms
      .filter((r) => r.visibility !== "direct")
      .reverse()
      .slice(page.offset, page.offset + page.limit)
      .map((r) => ({ ...r }));
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

  /** Room ids → followers (memoryRepositories wires the attention store's). */
  followersOf: (roomId: string) => string[] = () => [];
  /** Administrators (memoryRepositories wires the roles store's). */
  isAdminId: (userId: string) => boolean = () => false;

  async people(room: Pick<RoomSummary, "id" | "ownerId" | "visibility">, filter: { query: string; offset: number; limit: number }) {
    const ids = new Set([room.ownerId, ...(room.visibility === "public" ? this.followersOf(room.id) : [...(this.memberships.get(room.id)?.keys() ?? [])])]);
    const q = filter.query.trim().toLowerCase();
    return [...ids]
      .flatMap((id) => {
        const p = this.person(id);
        return p ? [p] : [];
      })
      .filter((p) => q === "" || p.name.toLowerCase().startsWith(q) || p.name.toLowerCase().includes(` ${q}`))
      .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || (a.id < b.id ? -1 : 1))
      .slice(filter.offset, filter.offset + filter.limit)
      .map((p) => ({ ...p, guest: this.guests.has(p.id), admin: this.isAdminId(p.id) }));
  }

  async setOwner(roomId: string, userId: string) {
    const room = this.rooms.find((r) => r.id === roomId);
    if (!room) throw new Error(`no room ${roomId}`);
    room.ownerId = userId;
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
      const user = this.person(id);
      return user ? [user] : [];
    });
  }

  async members(roomId: string) {
    return [...(this.memberships.get(roomId)?.values() ?? [])].map((u) => this.person(u.id) ?? { ...u });
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
    const user = this.person(userId);
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
      return blocker === userId ? [this.person(blocked) ?? { id: blocked, name: blocked }] : [];
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
