import type { ChangeAck } from "../../contract/events";
import { ROOM_MENTION } from "../../contract/mentions";
import type { MessageChangeKind } from "../../contract/model";
import {
  messageChangesSchema,
  messageDeleteSchema,
  messageEditSchema,
  messageHistorySchema,
  messageSendSchema,
  reactionSchema,
  type MessageSendInput,
} from "../../contract/schemas";
import type { AppendResult } from "../../store/ports";
import { capability, request, type HubContext } from "./capability";
import type { HubSession } from "./session";

/**
 * Messages and their changes: sending (acknowledged after commit, published once), history
 * pages, edits, deletions, reactions, and the catch-up of changes after a cursor.
 */
export const messageCapability = capability({
  requests: {
    "message:send": request(messageSendSchema, send),
    "message:history": request(messageHistorySchema, async (hub, session, input) => {
      const page = await hub.services.messages.history(session.conn.user, input, { joined: session.rooms.has(input.roomId) });
      if (input.after !== undefined) hub.metrics.catchupMessages.observe(page.messages.length);
      return page;
    }),
    "message:edit": request(messageEditSchema, (hub, session, input) => change(hub, session, "edit", input)),
    "message:delete": request(messageDeleteSchema, (hub, session, input) => change(hub, session, "delete", input)),
    "reaction:add": request(reactionSchema, (hub, session, input) => change(hub, session, "react", input)),
    "reaction:remove": request(reactionSchema, (hub, session, input) => change(hub, session, "unreact", input)),
    "message:changes": request(messageChangesSchema, (hub, session, input) =>
      hub.services.messages.changes(session.conn.user, input, { joined: session.rooms.has(input.roomId) }),
    ),
  },
});

/**
 * In the connection's serial queue, so a connection's messages are stored in the order it
 * sent them. Published once: a duplicate (a resend after a lost ack) was published when
 * first stored, and clients that missed it catch up by seq. Then the after-commit hooks.
 */
function send(hub: HubContext, session: HubSession, input: MessageSendInput): Promise<AppendResult> {
  const { services, policy } = hub;
  const { conn } = session;
  return session.inOrder(async () => {
    await policy.beforeMessage(conn.user, conn.ip);
    if (input.body.includes(ROOM_MENTION)) await policy.beforeRoomMention(conn.user);
    // A subscribed connection was let in by join; revocation unsubscribes it.
    const result = await services.messages.send(conn.user, input, { joined: session.rooms.has(input.roomId) });
    if (!result.duplicate) {
      hub.publish({ type: "message.created", roomId: result.message.roomId, message: result.message });
      await hub.stored(result.message);
    }
    return result;
  });
}

/**
 * An edit, a deletion or a reaction: in the connection's serial queue with its sends, so a
 * change to a message just sent is applied after that message is stored; published once
 * (not for a resend, nor when it changed nothing).
 */
export function change(
  hub: HubContext,
  session: HubSession,
  kind: MessageChangeKind,
  input: { roomId: string; messageId: string; clientChangeId: string; body?: string; emoji?: string },
): Promise<ChangeAck> {
  const { services, policy } = hub;
  const { conn } = session;
  return session.inOrder(async () => {
    await policy.beforeChange(conn.user, conn.ip);
    // An edit that mentions @room spends the @room budget, as a message that does.
    if (kind === "edit" && input.body?.includes(ROOM_MENTION)) await policy.beforeRoomMention(conn.user);
    const result = await services.messages.change(conn.user, { ...input, kind }, { joined: session.rooms.has(input.roomId) });
    if (result.change && !result.duplicate) {
      hub.publish({ type: "message.changed", roomId: result.change.roomId, change: result.change });
      await hub.changed(result.change);
    }
    return result;
  });
}
