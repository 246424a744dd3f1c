import type { RoomJoined } from "../../contract/events";
import { roomJoinSchema, roomLeaveSchema, typingSchema, type RoomJoinInput } from "../../contract/schemas";
import { DomainError } from "../../domain/errors";
import { capability, request, type HubContext } from "./capability";
import type { HubSession } from "./session";

/**
 * Rooms, presence and typing: joining a room (its history, presence list, who is typing,
 * read position and the changes missed since a cursor), leaving it, and typing hints.
 */
export const presenceCapability = capability({
  requests: {
    // A few at a time, in arrival order: a restarted node's clients all rejoin at once.
    "room:join": request(roomJoinSchema, (hub, session, input) => hub.joins.run(() => !session.closed, () => join(hub, session, input))),
    "room:leave": request(roomLeaveSchema, async (hub, session, { roomId }) => {
      // Left but still followed: its activity reaches this connection again. Watched before
      // the room is left, never after: a message stored in between would otherwise reach the
      // connection neither way, and its count would be missing until the room's next message.
      // (Both ways for a moment is harmless: counts are the latest seq less the read one.)
      if (session.rooms.has(roomId) && (await hub.services.attention.isFollowing(session.conn.user, roomId))) await hub.watch(session, roomId);
      await hub.leave(session, roomId);
      return {} as Record<string, never>;
    }),
    "typing:start": request(typingSchema, (hub, session, { roomId }) => typing(hub, session, roomId, true)),
    "typing:stop": request(typingSchema, (hub, session, { roomId }) => typing(hub, session, roomId, false)),
  },
});

async function join(hub: HubContext, session: HubSession, input: RoomJoinInput): Promise<RoomJoined> {
  const { services } = hub;
  const { conn } = session;
  const { room, admitted } = await services.rooms.admit(conn.user, input.slug, input.invite);
  // In by an invite just now: the user's room lists gain it, on every tab and bot.
  if (admitted) hub.publish({ type: "room.added", roomId: null, userId: conn.user.id, room });
  // Opening a room follows it: its activity reaches this connection once it is left. A
  // direct conversation's draft is not stored yet: its first message makes both follow it.
  const read = room.draft ? { roomId: room.id, readSeq: 0, latestSeq: 0 } : await services.attention.followEntered(conn.user, room);
  // While the room is open here its messages arrive in full: its activity would be a
  // second copy of each (a hundred joined tabs, a hundred extra packets every 200 ms).
  await hub.unwatch(session, room.id);
  // Subscribe before reading history: a message committed in between then arrives both
  // ways, and the client merges by seq, rather than falling into a gap.
  await hub.subscribe(session, room.id);
  // The change cursor with the history, read after subscribing: the page reflects every
  // change up to it, and later ones arrive live.
  const { changeCursor, history } = await services.messages.onJoin(room, input.after);
  if (input.after !== undefined) hub.metrics.catchupMessages.observe(history.messages.length);
  const touched = input.changesAfter === undefined ? undefined : await services.messages.onRejoinChanges(room, input.changesAfter, changeCursor);
  // Presence and typing at once: with Redis, one write and one round trip for both.
  const [{ changed: presenceChanged, online }, typists] = await Promise.all([services.presence.enter(room.id, conn.user, conn.id), services.typing.list(room.id)]);
  // Everyone hears a changed list (coalesced); an unchanged one goes to the joiner only.
  if (presenceChanged) hub.presence.announce(room.id);
  else conn.deliver({ type: "presence.changed", roomId: room.id, online });
  const typingNow = typists.filter((u) => u.id !== conn.user.id);
  for (const user of typingNow) conn.deliver({ type: "typing.changed", roomId: room.id, user, typing: true });
  return { room, history, online, typing: typingNow, changeCursor, ...(touched ? { changed: touched } : {}), read };
}

/**
 * Typing is relayed to the room and kept for TYPING_TTL_MS (services.typing, shared between
 * nodes), so that someone joining mid-sentence sees it too. Senders throttle typing:start,
 * receivers expire it, so a lost typing:stop costs a few seconds of a stale hint at most.
 */
async function typing(hub: HubContext, session: HubSession, roomId: string, typing: boolean): Promise<void> {
  const { conn } = session;
  if (!session.rooms.has(roomId)) throw new DomainError("not_found", "Join the room first.");
  if (typing) await hub.services.rooms.requireUnblocked(conn.user, roomId);
  hub.publish({ type: "typing.changed", roomId, user: conn.user, typing, except: conn.id });
  const store = hub.services.typing;
  await (typing ? store.start(roomId, conn.user) : store.stop(roomId, conn.user.id));
}
