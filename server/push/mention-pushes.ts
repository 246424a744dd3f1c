import { parseDirectRoomId, peerOf } from "../contract/direct";
import { thumbnailUrl } from "../contract/files";
import { messageExcerpt, type ChatMessage } from "../contract/model";
import type { Logger } from "../logger";
import type { RoomHub } from "../realtime/hub";
import type { Services } from "../services";
import { PushService } from "./push.service";

/**
 * Messages reach people whose tabs are all closed, by Web Push, as their notify level says:
 * - in a room, the people a message mentions (not its author);
 * - in a direct conversation, the other person, for every message.
 * Each must still be able to read the room, follow it (someone who left a room, or was
 * never in it, is not pushed however often they are mentioned) with a level that allows it
 * (never "off"; "mentions" only when mentioned), not block the author, and have no connected
 * socket on any node. Pushes are gathered per recipient and room (`PushService.notify`).
 * A deleted message's notification is withdrawn. Runs after the message is acknowledged and
 * published, off the sender's path.
 */
export function mentionPushes(deps: { hub: RoomHub; push: PushService; services: Services; connected(userId: string): Promise<boolean>; log: Logger }): void {
  const { push, services, log } = deps;
  // Each message's checks read the database; a room's messages are checked one after
  // another, so their pushes go out in the order they were stored (the first of a burst
  // goes at once, the gathered one says "and N more" of the later ones).
  const tails = new Map<string, Promise<void>>();
  const inRoomOrder = (roomId: string, work: () => Promise<void>): Promise<void> => {
    const run = (tails.get(roomId) ?? Promise.resolve()).then(work);
    // The next message's checks wait for this one's, whether it failed or not.
    const settled = run.catch(() => undefined);
    tails.set(roomId, settled);
    void settled.then(() => {
      if (tails.get(roomId) === settled) tails.delete(roomId);
    });
    return run;
  };
  deps.hub.onStored((message: ChatMessage) => {
    const pair = parseDirectRoomId(message.roomId);
    const peer = pair ? peerOf(pair, message.author.id) : undefined;
    const mentioned = new Set((message.mentions ?? []).map((u) => u.id));
    const recipients = (peer !== undefined ? [peer] : [...mentioned]).filter((id) => id !== message.author.id);
    if (recipients.length === 0) return;
    void inRoomOrder(message.roomId, async () => {
      for (const id of recipients) {
        const user = { id, name: "" };
        const room = await services.rooms.requireAccess(user, message.roomId).catch(() => null);
        if (!room) continue;
        const level = await services.attention.notifyLevel(id, room);
        if (level === null || level === "off" || (level === "mentions" && !mentioned.has(id))) continue;
        // Someone who blocks the author hears nothing of them.
        if ((await services.rooms.blocked(user)).some((b) => b.id === message.author.id)) continue;
        if (await deps.connected(id)) continue;
        push.notify(id, message.roomId, {
          title: pair ? message.author.name : `${message.author.name} in #${room.name}`,
          body: messageExcerpt(message),
          tag: PushService.tagOf(message.roomId),
          url: `/r/${room.slug}`,
          messageId: message.id,
          ...(message.author.avatar ? { icon: thumbnailUrl(message.author.avatar) } : {}),
        });
      }
    }).catch((err: unknown) => log.warn({ err, messageId: message.id }, "mention push failed"));
  });
  deps.hub.onChanged((change) => {
    if (change.kind === "delete") push.withdraw(change.roomId, change.messageId);
  });
}
