import { v7 as uuidv7 } from "uuid";
import type { ReportReason, ReportSummary, RoomSummary, UserSummary } from "../contract/model";
import type { ListedReport, MessageRepository, ReportRepository, ReportStatus } from "../store/ports";
import { LIMITS } from "../contract/limits";
import { DomainError } from "./errors";
import type { Actor, Auditor } from "./moderation.service";
import type { RoleService } from "./role.service";
import type { RoomService } from "./room.service";


const isOperator = (actor: Actor): actor is { id: null; name: string } => actor.id === null;

/** A note as kept: one line, no control characters, bounded. */
function cleanNote(note: string | undefined): string {
  return (note ?? "").replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim().slice(0, LIMITS.reportNoteLength);
}

export function toReportSummary(r: ListedReport, deleted: boolean): ReportSummary {
  return {
    id: r.id,
    room: { id: r.roomId, name: r.roomName, slug: r.roomSlug },
    message: { id: r.messageId, seq: r.messageSeq, author: r.author, text: r.excerpt, deleted },
    reporter: r.reporter,
    reason: r.reason as ReportReason,
    note: r.note,
    at: r.createdAt.toISOString(),
    status: r.status,
    resolvedBy: r.resolvedBy,
    resolvedAt: r.resolvedAt?.toISOString() ?? null,
  };
}

/**
 * Reports: any member who may read a room reports someone else's message (a reason from a
 * short list, a note); the report keeps the reported text while it is open, so that deleting
 * the message does not erase the evidence, and erases it when it closes. The queue is the
 * room's moderators' (its owner's, its moderators', administrators'); administrators see
 * every room's, direct conversations' included. Closing is a removal of the message (done
 * by the caller through the delete change) or a dismissal; it closes every open report of
 * that message and is audited. Roles are read at each request.
 */
export class ReportService {
  constructor(
    private readonly reports: ReportRepository,
    private readonly messages: Pick<MessageRepository, "findMessage">,
    private readonly rooms: RoomService,
    private readonly roles: RoleService,
    private readonly auditor: Pick<Auditor, "record">,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Files `user`'s report of a message; a second report of the same message by them answers with the first (`already`). */
  async file(user: UserSummary, input: { roomId: string; messageId: string; reason: ReportReason; note?: string }): Promise<{ reportId: string; already: boolean; room: RoomSummary }> {
    const room = await this.rooms.requireAccess(user, input.roomId);
    const ref = await this.messages.findMessage(input.messageId);
    if (!ref || ref.roomId !== room.id || ref.deleted) throw new DomainError("not_found", "There is no such message in this room.");
    if (ref.authorId === user.id) throw new DomainError("forbidden", "You cannot report your own message.");
    const { report, created } = await this.reports.file({
      id: uuidv7(),
      roomId: room.id,
      messageId: ref.id,
      messageSeq: ref.seq,
      authorId: ref.authorId,
      reporterId: user.id,
      reason: input.reason,
      note: cleanNote(input.note),
      excerpt: ref.body,
      createdAt: this.now(),
    });
    return { reportId: report.id, already: !created, room };
  }

  /**
   * The queue: a room's reports (its moderators, owner, administrators) or, with `roomId`
   * null, every room's (administrators). Open ones, or closed ones (`open` false).
   */
  async list(actor: Actor, input: { roomId: string | null; open: boolean; before?: string; limit: number }): Promise<ReportSummary[]> {
    if (input.roomId !== null) await this.requireModerator(actor, input.roomId);
    else await this.requireAdmin(actor);
    const rows = await this.reports.list({ roomId: input.roomId, open: input.open, limit: input.limit, ...(input.before ? { before: input.before } : {}) });
    const deleted = await Promise.all(rows.map(async (r) => (await this.messages.findMessage(r.messageId))?.deleted ?? true));
    return rows.map((r, i) => toReportSummary(r, deleted[i]!));
  }

  /**
   * Checks that `actor` may close this report, their role read now: its room's moderators,
   * owner, administrators (a direct conversation's: administrators). `not_found` for a
   * report they may not see.
   */
  async authoriseClose(actor: Actor, reportId: string): Promise<{ roomId: string; messageId: string; authorId: string; open: boolean; direct: boolean }> {
    const report = await this.reports.byId(reportId);
    if (!report) throw new DomainError("not_found", "There is no such report.");
    const room = await this.rooms.byId(report.roomId);
    if (room.visibility === "direct") await this.requireAdmin(actor);
    else await this.requireModerator(actor, room.id);
    return { roomId: room.id, messageId: report.messageId, authorId: report.authorId, open: report.status === "open", direct: room.visibility === "direct" };
  }

  /** Closes every open report of the report's message (after `authoriseClose`), audited; how many. */
  async close(actor: Actor, reportId: string, status: Exclude<ReportStatus, "open">): Promise<number> {
    const report = await this.reports.byId(reportId);
    if (!report) throw new DomainError("not_found", "There is no such report.");
    const closed = await this.reports.close(report.messageId, { status, byId: actor.id, at: this.now() });
    if (closed > 0) {
      const [room, author] = await Promise.all([this.rooms.byId(report.roomId).catch(() => null), this.roles.person(report.authorId)]);
      await this.auditor.record(actor, status === "removed" ? "report.remove" : "report.dismiss", {
        target: author,
        room: room ? { id: room.id, name: room.name } : null,
        detail: { messageId: report.messageId, seq: report.messageSeq, reports: closed },
      });
    }
    return closed;
  }

  /** Whether the message is deleted (or gone). */
  async messageGone(messageId: string): Promise<boolean> {
    return (await this.messages.findMessage(messageId))?.deleted ?? true;
  }

  /** Who should hear that a room's queue changed: its owner, its moderators, the administrators. */
  async queueKeepers(roomId: string): Promise<string[]> {
    const room = await this.rooms.byId(roomId).catch(() => null);
    if (!room) return [];
    const admins = await this.roles.adminIds();
    if (room.visibility === "direct") return admins;
    const moderators = await this.roles.moderatorIds(roomId);
    return [...new Set([room.ownerId, ...moderators, ...admins].filter((id): id is string => typeof id === "string"))];
  }

  private async requireModerator(actor: Actor, roomId: string): Promise<void> {
    // Administrators keep every room's queue, private rooms they are not in included.
    if (isOperator(actor) || (await this.roles.isAdmin(actor))) return;
    const room = await this.rooms.requireAccess(actor, roomId);
    if (room.visibility === "direct" || !(await this.roles.powersIn(actor, room)).moderate) {
      throw new DomainError("forbidden", "Only the room's moderators can see and close its reports.");
    }
  }

  private async requireAdmin(actor: Actor): Promise<void> {
    if (isOperator(actor)) return;
    if (!(await this.roles.isAdmin(actor))) throw new DomainError("forbidden", "Only an administrator can see every room's reports.");
  }
}
