import type { z } from "zod";
import type { Ack, AckFn, ErrorBody } from "../contract/errors";
import type { ClientToServerEvents } from "../contract/events";
import { toErrorBody } from "../domain/errors";
import type { Logger } from "../logger";
import type { SecurityPolicy } from "../security/policy";
import type { ParleySocket } from "./types";

/** A short, human reading of what was wrong with a payload: the first issue and where. */
export function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid payload.";
  const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return `Invalid payload: ${where}${issue.message}`;
}


/** A handler of one event: the validated payload, and the socket it came from. */
export type Handler<I, R> = (input: I, socket: ParleySocket) => Promise<R>;
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
type Listener = (this: ParleySocket, ...args: unknown[]) => unknown;

const FLOODED: ErrorBody = { code: "rate_limited", message: "Slow down: too many requests. Try again in a moment." };

/**
 * The socket handlers, made once per server and shared by every socket: each registers with
 * `on` (validated events) or `onLifecycle` (Socket.IO's own, such as `disconnecting`), and
 * `attach` adds them all to a new socket. A listener finds its socket in `this`, so a
 * connection costs a slot per event, not a set of closures (docs/performance.md, idle
 * connections).
 *
 * Through `on`, a handler runs only on a payload that passes `schema`, within the socket's
 * event budget; whatever happens, the client's acknowledgement (when it gave one) gets
 * `{ ok: true, data }` or `{ ok: false, error }`, and a handler can never crash the process.
 * A socket that keeps collecting refusals is closed.
 *
 * @example
 * const handlers = socketHandlers(log, policy);
 * handlers.on("room:join", roomJoinSchema, async ({ slug }, socket) => rooms.join(socket.data.user, slug));
 * io.on("connection", (socket) => handlers.attach(socket));
 */
export function socketHandlers(log: Logger, policy: SecurityPolicy) {
  const listeners: Array<[event: string, listener: Listener]> = [];

  const refuse = async (socket: ParleySocket, reply: ((a: Ack<never>) => void) | undefined, error: ErrorBody) => {
    reply?.({ ok: false, error });
    if (error.code !== "rate_limited" && error.code !== "invalid_payload") return;
    if ((await policy.limits.take("refusalPerSocket", socket.id)) !== null && socket.connected) {
      log.warn({ socket: socket.id, user: socket.data.user?.id }, "disconnecting an abusive socket");
      socket.disconnect(true);
    }
  };

  const on: On = (event, schema, handler) => {
    listeners.push([
      event,
      async function (this: ParleySocket, payload: unknown, ack?: unknown) {
        let reply = typeof ack === "function" ? (ack as (a: Ack<unknown>) => void) : undefined;
        // socket.emit("event", callback) puts the callback first.
        if (reply === undefined && typeof payload === "function") {
          reply = payload as (a: Ack<unknown>) => void;
          return refuse(this, reply, { code: "invalid_payload", message: "Invalid payload: expected an object before the callback." });
        }
        if ((await policy.limits.take("eventPerSocket", this.id)) !== null) return refuse(this, reply, FLOODED);
        const parsed = schema.safeParse(payload);
        if (!parsed.success) {
          log.debug({ event, socket: this.id }, "invalid payload");
          return refuse(this, reply, { code: "invalid_payload", message: describeIssues(parsed.error) });
        }
        try {
          const data = await handler(parsed.data, this);
          reply?.({ ok: true, data });
        } catch (err) {
          await refuse(this, reply, toErrorBody(err, log, { event }));
        }
      },
    ]);
  };

  return {
    on,
    /** A listener of Socket.IO's own events (`disconnecting`, `disconnect`), `this` being the socket. */
    onLifecycle(event: "disconnecting" | "disconnect", listener: (this: ParleySocket) => void | Promise<void>) {
      listeners.push([event, listener as Listener]);
    },
    attach(socket: ParleySocket) {
      // The contract types each listener precisely; here they are checked at run time instead.
      const target = socket as unknown as { on(e: string, l: Listener): void };
      for (const [event, listener] of listeners) target.on(event, listener);
    },
  };
}

export type SocketHandlers = ReturnType<typeof socketHandlers>;
