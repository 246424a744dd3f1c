import { parseDirectRoomId, peerOf } from "../contract/direct";
import { plainExcerpt, type ChatMessage } from "../contract/model";
import type { Logger } from "../logger";
import type { RoomHub } from "../realtime/room-hub";
import type { Services } from "../services";
import type { PushService } from "./push.service";

/**
 * Mentions reach people whose tabs are all closed: for each stored message that mentions
 * someone, each person mentioned (not its author) who may read the room and has no
 * connected socket on any node gets a Web Push on every browser they subscribed. Someone
 * outside a private room gets nothing. In a direct conversation every message is pushed to
 * the other person (titled with the author's name alone). Nobody is pushed the messages of
 * someone they block. Runs after the message is
 * acknowledged and published, off the sender's path.
 */
export function mentionPushes(deps: { hub: RoomHub; push: PushService; services: Services; connected(userId: string): Promise<boolean>; log: Logger }): void {
  const { push, services, log } = deps;
  deps.hub.onStored((message: ChatMessage) => {
    const pair = parseDirectRoomId(message.roomId);
    const peer = pair ? peerOf(pair, message.author.id) : undefined;
    const recipients = peer !== undefined ? [{ id: peer, name: "" }] : (message.mentions ?? []);
    const mentioned = recipients.filter((u) => u.id !== message.author.id);
    if (mentioned.length === 0) return;
    void (async () => {
      const due: string[] = [];
      let room: { name: string; slug: string } | undefined;
      for (const user of mentioned) {
        const visible = await services.rooms.requireAccess(user, message.roomId).catch(() => null);
        if (!visible) continue;
        // Someone who blocks the author hears nothing of them.
        if ((await services.rooms.blocked(user)).some((b) => b.id === message.author.id)) continue;
        room = visible;
        if (!(await deps.connected(user.id))) due.push(user.id);
      }
      if (!room || due.length === 0) return;
      await push.send(due, { title: pair ? message.author.name : `${message.author.name} in #${room.name}`, body: plainExcerpt(message.body, message.mentions), tag: message.id, url: `/r/${room.slug}` });
    })().catch((err: unknown) => log.warn({ err, messageId: message.id }, "mention push failed"));
  });
}
