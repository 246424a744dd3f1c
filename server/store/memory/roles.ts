import type { UserSummary } from "../../contract/model";
import type { DirectoryEntry, InstanceRole, RoleRepository } from "../ports";

/** Roles in process (unit tests); the same contract as the database stores. */
export class MemoryRoleRepository implements RoleRepository {
  readonly roles = new Map<string, InstanceRole>();
  private firstAdmin: string | null = null;
  private readonly rooms = new Map<string, Map<string, string>>();

  /** The people the other memory stores know (memoryRepositories wires it). */
  constructor(
    private readonly people: (ids: string[]) => Promise<UserSummary[]>,
    /** Every account and guest, oldest first, as the user table has them (memoryRepositories wires it). */
    private readonly everyone: () => Iterable<{ id: string; name: string; guest: boolean; username: string | null }> = () => [],
  ) {}

  async directory(filter: { query: string; offset: number; limit: number }): Promise<DirectoryEntry[]> {
    const q = filter.query.trim().toLowerCase();
    const all = [...this.everyone()].map((u, i) => ({ ...u, createdAt: new Date(i) }));
    const found = all.filter((u) => q === "" || u.name.toLowerCase().includes(q) || (u.username ?? "").includes(q)).reverse();
    const page = found.slice(filter.offset, filter.offset + filter.limit);
    const named = new Map((await this.people(page.map((u) => u.id))).map((u) => [u.id, u]));
    return page.map((u) => ({ ...(named.get(u.id) ?? { id: u.id, name: u.name }), username: u.username, guest: u.guest, role: this.roles.get(u.id) ?? "member", createdAt: u.createdAt }));
  }

  /** Makes a user known (as an account row would): a member unless said otherwise. */
  addUser(userId: string, role: InstanceRole = "member"): void {
    if (!this.roles.has(userId)) this.roles.set(userId, role);
  }

  async roleOf(userId: string) {
    return this.roles.get(userId) ?? null;
  }

  async setRole(userId: string, role: InstanceRole) {
    const now = this.roles.get(userId);
    if (!now) return false;
    if (now === "admin" && role !== "admin" && [...this.roles.values()].filter((r) => r === "admin").length <= 1) return false;
    this.roles.set(userId, role);
    return true;
  }

  async claimFirstAdmin(userId: string) {
    if (this.firstAdmin !== null) return false;
    this.firstAdmin = userId;
    this.roles.set(userId, "admin");
    return true;
  }

  async admins() {
    return this.people([...this.roles].filter(([, r]) => r === "admin").map(([id]) => id));
  }

  /** Accounts' usernames (lower-cased) → ids, as the user table has them. */
  readonly usernames = new Map<string, string>();

  async promoteUsernames(usernames: readonly string[]) {
    let promoted = 0;
    for (const name of usernames) {
      const id = this.usernames.get(name.toLowerCase());
      if (id && this.roles.get(id) !== "admin") {
        this.roles.set(id, "admin");
        promoted++;
      }
    }
    return promoted;
  }

  async isModerator(roomId: string, userId: string) {
    return this.rooms.get(roomId)?.has(userId) ?? false;
  }

  async setModerator(roomId: string, userId: string, appointedById: string, on: boolean) {
    let room = this.rooms.get(roomId);
    if (!room) this.rooms.set(roomId, (room = new Map()));
    if (on) {
      if (!room.has(userId)) room.set(userId, appointedById);
    } else room.delete(userId);
  }

  async moderators(roomId: string) {
    return this.people([...(this.rooms.get(roomId)?.keys() ?? [])]);
  }
}
