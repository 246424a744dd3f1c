import type { GuestRepository, SettingsRepository } from "../ports";
import type { MemoryAccountData } from "./accounts";
import type { MemoryRoomRepository } from "./rooms";

/** Settings in process (tests). */
export class MemorySettingsRepository implements SettingsRepository {
  private readonly values = new Map<string, string>();

  async read(keys: readonly string[]): Promise<Map<string, string>> {
    return new Map(keys.flatMap((k) => (this.values.has(k) ? [[k, this.values.get(k)!] as const] : [])));
  }

  async write(key: string, value: string | null): Promise<void> {
    if (value === null) this.values.delete(key);
    else this.values.set(key, value);
  }
}

/** Idle guests in process (tests): users' creation and sessions' last use as tests set them. */
export class MemoryGuestRepository implements GuestRepository {
  constructor(
    private readonly accounts: MemoryAccountData,
    private readonly rooms: MemoryRoomRepository,
  ) {}

  async idle(cutoff: Date, departed: string, limit: number): Promise<string[]> {
    const sessions = [...this.accounts.sessions.values()];
    return [...this.accounts.users.values()]
      .filter((u) => u.guest && (u.createdAt ?? new Date()) < cutoff)
      .filter((u) => {
        const mine = sessions.filter((s) => s.userId === u.id);
        return !mine.some((s) => (s.updatedAt ?? new Date()) >= cutoff) && (mine.length > 0 || u.name !== departed || this.accounts.avatarOf(u.id) !== undefined);
      })
      .sort((a, b) => (a.createdAt ?? new Date()).getTime() - (b.createdAt ?? new Date()).getTime())
      .slice(0, limit)
      .map((u) => u.id);
  }

  async anonymise(userId: string, name: string): Promise<boolean> {
    const user = this.accounts.users.get(userId);
    if (!user?.guest) return false;
    user.name = name;
    this.rooms.renameUser(userId, name);
    this.accounts.forgetAvatar?.(userId);
    for (const s of [...this.accounts.subscriptions.values()]) if (s.userId === userId) this.accounts.subscriptions.delete(s.id);
    for (const s of [...this.accounts.sessions.values()]) if (s.userId === userId) this.accounts.sessions.delete(s.id);
    return true;
  }
}
