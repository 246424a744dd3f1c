import type { z } from "zod";
import type { Ack, AckFn } from "../contract/errors";
import type { ClientToServerEvents } from "../contract/events";
import type { RoomHub, RoomRequest } from "../realtime/hub";
import { sessionOf } from "./hub-session.middleware";
import type { ParleySocket } from "./types";

/** A handler of one event: the validated payload, and the socket it came from. */
export type Handler<I, R> = (input: I, socket: ParleySocket) => Promise<R>;
type Listener = (this: ParleySocket, ...args: unknown[]) => unknown;

/** The client events, by name: a misspelt one is a type error. */
export type ClientEvent = keyof ClientToServerEvents;
/** What `event`'s payload must be once parsed. */
export type PayloadOf<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0];
/** What `event`'s acknowledgement carries (`void` for an event without one, such as typing). */
export type AckDataOf<E extends ClientEvent> = Parameters<ClientToServerEvents[E]> extends [unknown, AckFn<infer T>] ? T : void;
/**
 * Registers a validated handler of a client event from the contract: the schema must parse
 * to the event's payload, and the handler must resolve with what its acknowledgement carries.
 */
export type On = <E extends ClientEvent, S extends z.ZodType<PayloadOf<E>>>(
  event: E,
  schema: S,
  handler: Handler<z.infer<S>, AckDataOf<E>>,
) => void;

/**
 * The socket handlers, made once per server and shared by every socket. `hub` binds a room
 * use-case to its event in one line (the hub validates, runs and answers it); `on` adds a
 * Socket.IO-only one (the directory, tokens), guarded by the hub the same way: the event
 * budget, zod, one error translation, refusal counting. `onLifecycle` listens to
 * Socket.IO's own events; `attach` adds them to a new socket. A listener finds its socket
 * in `this`, and the client events reach theirs through one catch-all listener per socket
 * (`onAny`) that looks the event up in a table shared by every socket: a connection holds
 * no closure and no slot per event (a slot per event, sixty of them, cost each connection
 * a 3 KiB dictionary: docs/performance.md, run AG).
 *
 * @example
 * const handlers = socketHandlers(hub);
 * handlers.hub("message:send");
 * handlers.on("room:list", roomListSchema, async (_input, socket) => ({ rooms: await rooms.listFor(socket.data.user) }));
 * io.on("connection", (socket) => handlers.attach(socket));
 */
export function socketHandlers(hub: RoomHub) {
  /** The client events' listeners, by event; Socket.IO's own events' listeners apart. */
  const byEvent = new Map<string, Listener>();
  const lifecycle: Array<[event: string, listener: Listener]> = [];

  /** Calls `answer` and hands its Ack to the client's callback, whatever the client sent. */
  const listen = (event: string, answer: (socket: ParleySocket, payload: unknown) => Promise<Ack<unknown>>) => {
    if (byEvent.has(event)) throw new Error(`${event} has a handler already`);
    byEvent.set(event, async function (this: ParleySocket, payload: unknown, ack?: unknown) {
      // socket.emit("event", callback) puts the callback first.
      if (typeof ack !== "function" && typeof payload === "function") {
        const reply = payload as (a: Ack<unknown>) => void;
        reply(await hub.refuse(sessionOf(this).conn, { code: "invalid_payload", message: "Invalid payload: expected an object before the callback." }));
        return;
      }
      const result = await answer(this, payload);
      if (typeof ack === "function") (ack as (a: Ack<unknown>) => void)(result);
    });
  };

  /**
   * Every socket's one listener of the client's events. Socket.IO calls it as a packet
   * arrives; the event's listener runs on the next tick and only while the socket is
   * connected, as Socket.IO runs a listener registered with `on`. An event with no handler
   * is ignored, as it was with none registered (its callback, if any, is never called).
   */
  const dispatch = function (this: ParleySocket, event: unknown, ...args: unknown[]) {
    const listener = typeof event === "string" ? byEvent.get(event) : undefined;
    if (!listener) return;
    process.nextTick(() => {
      if (this.connected) void listener.apply(this, args);
    });
  };

  const on: On = (event, schema, handler) => {
    listen(event, (socket, payload) => hub.guard(sessionOf(socket), event, schema, payload, (input) => handler(input, socket)));
  };

  return {
    on,
    /** The room use-case of the same name, answered by the hub. */
    hub(event: RoomRequest & ClientEvent) {
      listen(event, (socket, payload) => hub.request(sessionOf(socket), event, payload));
    },
    /** A listener of Socket.IO's own events (`disconnecting`, `disconnect`), `this` being the socket. */
    onLifecycle(event: "disconnecting" | "disconnect", listener: (this: ParleySocket) => void | Promise<void>) {
      lifecycle.push([event, listener as Listener]);
    },
    attach(socket: ParleySocket) {
      // The contract types each listener precisely; here they are checked at run time instead.
      const target = socket as unknown as { on(e: string, l: Listener): void; onAny(l: Listener): void };
      target.onAny(dispatch);
      for (const [event, listener] of lifecycle) target.on(event, listener);
    },
  };
}

export type SocketHandlers = ReturnType<typeof socketHandlers>;
