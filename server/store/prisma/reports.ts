import { person } from "../../contract/model";
import type { ListedReport, ReportRepository, ReportStatus, StoredReport } from "../ports";
import type { Db } from "./client";

const who = { select: { id: true, name: true, image: true } } as const;
const asStored = <T extends { status: string }>(row: T) => ({ ...row, status: row.status as ReportStatus });

/** Reports through Prisma, on either engine (filed now and then, read by moderators: cold paths). */
export class PrismaReportStore implements ReportRepository {
  constructor(private readonly db: Db) {}

  async file(report: Omit<StoredReport, "status" | "resolvedById" | "resolvedAt">): Promise<{ report: StoredReport; created: boolean }> {
    const earlier = await this.db.report.findUnique({ where: { messageId_reporterId: { messageId: report.messageId, reporterId: report.reporterId } } });
    if (earlier) return { report: asStored(earlier), created: false };
    try {
      return { report: asStored(await this.db.report.create({ data: report })), created: true };
    } catch (err) {
      // Filed twice at once: the other one won.
      const won = await this.db.report.findUnique({ where: { messageId_reporterId: { messageId: report.messageId, reporterId: report.reporterId } } });
      if (won) return { report: asStored(won), created: false };
      throw err;
    }
  }

  async byId(id: string): Promise<StoredReport | null> {
    const row = await this.db.report.findUnique({ where: { id } });
    return row ? asStored(row) : null;
  }

  async list(filter: { roomId: string | null; open: boolean; before?: string; limit: number }): Promise<ListedReport[]> {
    const rows = await this.db.report.findMany({
      where: {
        ...(filter.roomId !== null ? { roomId: filter.roomId } : {}),
        status: filter.open ? "open" : { not: "open" },
        ...(filter.before !== undefined ? { id: { lt: filter.before } } : {}),
      },
      orderBy: { id: "desc" },
      take: filter.limit,
      include: { author: who, reporter: who, room: { select: { name: true, slug: true } } },
    });
    const resolvers = [...new Set(rows.flatMap((r) => (r.resolvedById ? [r.resolvedById] : [])))];
    const byId = new Map((resolvers.length ? await this.db.user.findMany({ where: { id: { in: resolvers } }, ...who }) : []).map((u) => [u.id, person(u.id, u.name, u.image)]));
    return rows.map(({ author, reporter, room, ...r }) => ({
      ...asStored(r),
      roomName: room.name,
      roomSlug: room.slug,
      author: person(author.id, author.name, author.image),
      reporter: person(reporter.id, reporter.name, reporter.image),
      resolvedBy: r.resolvedById ? (byId.get(r.resolvedById) ?? { id: r.resolvedById, name: "" }) : null,
    }));
  }

  async close(messageId: string, outcome: { status: Exclude<ReportStatus, "open">; byId: string | null; at: Date }): Promise<number> {
    const { count } = await this.db.report.updateMany({
      where: { messageId, status: "open" },
      data: { status: outcome.status, resolvedById: outcome.byId, resolvedAt: outcome.at, excerpt: "" },
    });
    return count;
  }
}
