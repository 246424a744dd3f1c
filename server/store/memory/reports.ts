import type { RoomSummary, UserSummary } from "../../contract/model";
import type { ListedReport, ReportRepository, ReportStatus, StoredReport } from "../ports";

/** Reports in process (unit tests); the same contract as the database stores. */
export class MemoryReportRepository implements ReportRepository {
  private readonly rows = new Map<string, StoredReport>();

  constructor(
    private readonly people: (ids: string[]) => Promise<UserSummary[]>,
    private readonly rooms: (ids: string[]) => Promise<RoomSummary[]>,
  ) {}

  async file(report: Omit<StoredReport, "status" | "resolvedById" | "resolvedAt">) {
    const earlier = [...this.rows.values()].find((r) => r.messageId === report.messageId && r.reporterId === report.reporterId);
    if (earlier) return { report: { ...earlier }, created: false };
    const stored: StoredReport = { ...report, status: "open", resolvedById: null, resolvedAt: null };
    this.rows.set(stored.id, stored);
    return { report: { ...stored }, created: true };
  }

  async byId(id: string) {
    const row = this.rows.get(id);
    return row ? { ...row } : null;
  }

  async list(filter: { roomId: string | null; open: boolean; before?: string; limit: number }): Promise<ListedReport[]> {
    const rows = [...this.rows.values()]
      .filter((r) => (filter.roomId === null || r.roomId === filter.roomId) && (r.status === "open") === filter.open && (filter.before === undefined || r.id < filter.before))
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, filter.limit);
    const people = new Map((await this.people([...new Set(rows.flatMap((r) => [r.authorId, r.reporterId, ...(r.resolvedById ? [r.resolvedById] : [])]))])).map((u) => [u.id, u]));
    const rooms = new Map((await this.rooms([...new Set(rows.map((r) => r.roomId))])).map((r) => [r.id, r]));
    const who = (id: string) => people.get(id) ?? { id, name: "" };
    return rows.map((r) => ({
      ...r,
      roomName: rooms.get(r.roomId)?.name ?? "",
      roomSlug: rooms.get(r.roomId)?.slug ?? null,
      author: who(r.authorId),
      reporter: who(r.reporterId),
      resolvedBy: r.resolvedById ? who(r.resolvedById) : null,
    }));
  }

  async close(messageId: string, outcome: { status: Exclude<ReportStatus, "open">; byId: string | null; at: Date }) {
    let closed = 0;
    for (const r of this.rows.values()) {
      if (r.messageId !== messageId || r.status !== "open") continue;
      Object.assign(r, { status: outcome.status, resolvedById: outcome.byId, resolvedAt: outcome.at, excerpt: "" });
      closed++;
    }
    return closed;
  }
}
