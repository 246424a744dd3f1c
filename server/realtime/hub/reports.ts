import { randomUUID } from "node:crypto";
import { reportFileSchema, reportResolveSchema, reportsListSchema } from "../../contract/schemas";
import { DomainError } from "../../domain/errors";
import { capability, request, type HubContext } from "./capability";
import { change } from "./messages";

/** Every connection of whoever keeps the room's report queue hears that it changed (on every node). */
async function tellKeepers(hub: HubContext, roomId: string): Promise<void> {
  for (const userId of await hub.services.reports.queueKeepers(roomId)) hub.publish({ type: "reports.changed", roomId: null, userId, room: roomId });
}

/**
 * Reports: a member reports someone else's message (within a budget of their own); the
 * room's moderators, owner and the administrators read the queue and close a report by
 * removing the message (the delete change, published and caught up as any deletion) or by
 * dismissing it. Whoever keeps the queue hears `reports.changed` on every connection.
 */
export const reportCapability = capability({
  requests: {
    "report:file": request(reportFileSchema, async (hub, session, input) => {
      await hub.policy.beforeReport(session.conn.user);
      const { reportId, already, room } = await hub.services.reports.file(session.conn.user, input);
      if (!already) await tellKeepers(hub, room.id);
      return { reportId, already };
    }),
    "reports:list": request(reportsListSchema, async (hub, session, { roomId, open, before, limit }) => ({
      reports: await hub.services.reports.list(session.conn.user, { roomId, open: open ?? true, limit: limit ?? 50, ...(before ? { before } : {}) }),
    })),
    "report:resolve": request(reportResolveSchema, async (hub, session, { reportId, outcome }) => {
      await hub.policy.beforeSetting(session.conn.user);
      const target = await hub.services.reports.authoriseClose(session.conn.user, reportId);
      if (outcome === "removed") {
        if (target.direct) throw new DomainError("forbidden", "A direct conversation has no moderators: dismiss the report, or ban the person.");
        // The moderator's removal, as from the message's menu: published and caught up like any deletion.
        await change(hub, session, "delete", { roomId: target.roomId, messageId: target.messageId, clientChangeId: randomUUID() }).catch(async (err: unknown) => {
          // Deleted meanwhile (by its author, or another moderator): what the report asked for is done.
          if (!(err instanceof DomainError && err.code === "not_found" && (await hub.services.reports.messageGone(target.messageId)))) throw err;
        });
      }
      const closed = await hub.services.reports.close(session.conn.user, reportId, outcome);
      if (closed > 0) await tellKeepers(hub, target.roomId);
      return { closed };
    }),
  },
});
