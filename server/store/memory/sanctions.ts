import { v7 as uuidv7 } from "uuid";
import type { UserSummary } from "../../contract/model";
import type { AuditEntry, AuditRepository, Sanction, SanctionKind, SanctionRepository } from "../ports";

const key = (userId: string, scope: string, kind: string) => `${userId}\u0000${scope}\u0000${kind}`;
const live = (s: Sanction, now: Date) => s.until === null || s.until.getTime() > now.getTime();

/** Mutes and bans in process (unit tests); the same contract as the database stores. */
export class MemorySanctionRepository implements SanctionRepository {
  private readonly rows = new Map<string, Sanction>();

  constructor(private readonly people: (ids: string[]) => Promise<UserSummary[]>) {}

  async inForce(userId: string, roomId: string | null, now: Date) {
    return [...this.rows.values()].filter((s) => s.userId === userId && (s.scope === "*" || s.scope === roomId) && live(s, now)).map((s) => ({ ...s }));
  }

  async impose(s: Omit<Sanction, "createdAt">) {
    this.rows.set(key(s.userId, s.scope, s.kind), { ...s, createdAt: new Date() });
  }

  async lift(userId: string, scope: string, kind: SanctionKind) {
    return this.rows.delete(key(userId, scope, kind));
  }

  async list(filter: { scope?: string; now: Date; limit: number }) {
    const rows = [...this.rows.values()]
      .filter((s) => (filter.scope === undefined || s.scope === filter.scope) && live(s, filter.now))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.userId.localeCompare(b.userId))
      .slice(0, filter.limit);
    const people = new Map((await this.people(rows.map((s) => s.userId))).map((u) => [u.id, u]));
    return rows.map((s) => ({ ...s, user: people.get(s.userId) ?? { id: s.userId, name: "" } }));
  }
}

/** The audit log in process (unit tests). */
export class MemoryAuditRepository implements AuditRepository {
  private readonly entries: AuditEntry[] = [];

  async record(entry: Omit<AuditEntry, "id" | "at"> & { at?: Date }) {
    const made: AuditEntry = { ...entry, id: uuidv7(), at: entry.at ?? new Date(), detail: { ...entry.detail } };
    this.entries.push(made);
    return { ...made };
  }

  async list(options: { before?: { at: Date; id: string }; limit: number }) {
    const { before } = options;
    return [...this.entries]
      .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .filter((e) => !before || e.at.getTime() < before.at.getTime() || (e.at.getTime() === before.at.getTime() && e.id < before.id))
      .slice(0, options.limit);
  }
}
