import { v7 as uuidv7 } from "uuid";
import { person } from "../../contract/model";
import type { AuditEntry, AuditRepository, Sanction, SanctionKind, SanctionRepository } from "../ports";
import { inForce } from "../sql/sanctions";
import type { Db } from "./client";

/**
 * Sanctions' writes and lists through Prisma, on either engine (cold paths). The hot read,
 * `inForce`, is each engine's own prepared statement (`sqlite/sanctions.ts`,
 * `postgres/sanctions.ts`); this one serves as theirs would.
 */
export class PrismaSanctionStore implements SanctionRepository {
  constructor(protected readonly db: Db) {}

  async inForce(userId: string, roomId: string | null, now: Date): Promise<Sanction[]> {
    const rows = await this.db.sanction.findMany({ where: { userId, scope: { in: roomId ? [roomId, "*"] : ["*"] } } });
    return inForce(rows, now);
  }

  async impose(s: Omit<Sanction, "createdAt">): Promise<void> {
    const data = { until: s.until, reason: s.reason, byId: s.byId, createdAt: new Date() };
    await this.db.sanction.upsert({
      where: { userId_scope_kind: { userId: s.userId, scope: s.scope, kind: s.kind } },
      create: { userId: s.userId, scope: s.scope, kind: s.kind, ...data },
      update: data,
    });
  }

  async lift(userId: string, scope: string, kind: SanctionKind): Promise<boolean> {
    const { count } = await this.db.sanction.deleteMany({ where: { userId, scope, kind } });
    return count > 0;
  }

  async list(filter: { scope?: string; now: Date; limit: number }) {
    const rows = await this.db.sanction.findMany({
      where: { ...(filter.scope ? { scope: filter.scope } : {}), OR: [{ until: null }, { until: { gt: filter.now } }] },
      orderBy: [{ createdAt: "desc" }, { userId: "asc" }],
      take: filter.limit,
      include: { user: { select: { id: true, name: true, image: true } } },
    });
    return rows.map(({ user, ...s }) => ({ ...s, kind: s.kind as SanctionKind, user: person(user.id, user.name, user.image) }));
  }
}

type AuditRow = Omit<AuditEntry, "detail"> & { detail: string };
const entryOf = (row: AuditRow): AuditEntry => ({ ...row, detail: JSON.parse(row.detail) as Record<string, unknown> });

/** The audit log through Prisma, on either engine (appended to by moderators, read by administrators). */
export class PrismaAuditStore implements AuditRepository {
  constructor(private readonly db: Db) {}

  async record(entry: Omit<AuditEntry, "id" | "at"> & { at?: Date }): Promise<AuditEntry> {
    // A time-ordered id (UUIDv7, monotonic in this process): entries of one millisecond keep their order.
    const row = await this.db.auditEntry.create({ data: { ...entry, id: uuidv7(), at: entry.at ?? new Date(), detail: JSON.stringify(entry.detail) } });
    return entryOf(row);
  }

  async list(options: { before?: { at: Date; id: string }; limit: number }): Promise<AuditEntry[]> {
    const { before } = options;
    const rows = await this.db.auditEntry.findMany({
      where: before ? { OR: [{ at: { lt: before.at } }, { at: before.at, id: { lt: before.id } }] } : {},
      orderBy: [{ at: "desc" }, { id: "desc" }],
      take: options.limit,
    });
    return rows.map(entryOf);
  }
}
