import type { z } from "zod";
import type { Ack, ErrorBody } from "../contract/errors";
import { DomainError } from "../domain/errors";
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

export function toErrorBody(err: unknown, log: Logger, event: string): ErrorBody {
  if (err instanceof DomainError) return { code: err.code, message: err.message };
  // Details stay in the log; the client gets a stable code and a sanitised message.
  log.error({ err, event }, "handler failed");
  return { code: "internal", message: "Something went wrong on the server. Try again." };
}

export type On = <S extends z.ZodType, R>(event: string, schema: S, handler: (input: z.infer<S>) => Promise<R>) => void;

const FLOODED: ErrorBody = { code: "rate_limited", message: "Slow down: too many requests. Try again in a moment." };

/**
 * Makes the `on` that every handler registers through. A handler runs only on a payload that
 * passes `schema`, within the socket's event budget; whatever happens, the client's
 * acknowledgement (when it gave one) gets `{ ok: true, data }` or `{ ok: false, error }`, and
 * a handler can never crash the process. A socket that keeps collecting refusals is closed.
 *
 * @example
 * const on = createOn(socket, log, policy);
 * on("room:join", roomJoinSchema, async ({ slug }) => rooms.join(slug));
 */
export function createOn(socket: ParleySocket, log: Logger, policy: SecurityPolicy): On {
  const refuse = async (reply: ((a: Ack<never>) => void) | undefined, error: ErrorBody) => {
    reply?.({ ok: false, error });
    if (error.code !== "rate_limited" && error.code !== "invalid_payload") return;
    if ((await policy.limits.take("refusalPerSocket", socket.id)) !== null && socket.connected) {
      log.warn({ socket: socket.id, user: socket.data.user?.id }, "disconnecting an abusive socket");
      socket.disconnect(true);
    }
  };

  return (event, schema, handler) => {
    const listener = async (payload: unknown, ack?: unknown) => {
      let reply = typeof ack === "function" ? (ack as (a: Ack<unknown>) => void) : undefined;
      // socket.emit("event", callback) puts the callback first.
      if (reply === undefined && typeof payload === "function") {
        reply = payload as (a: Ack<unknown>) => void;
        return refuse(reply, { code: "invalid_payload", message: "Invalid payload: expected an object before the callback." });
      }
      if ((await policy.limits.take("eventPerSocket", socket.id)) !== null) return refuse(reply, FLOODED);
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        log.debug({ event, socket: socket.id }, "invalid payload");
        return refuse(reply, { code: "invalid_payload", message: describeIssues(parsed.error) });
      }
      try {
        const data = await handler(parsed.data);
        reply?.({ ok: true, data });
      } catch (err) {
        await refuse(reply, toErrorBody(err, log, event));
      }
    };
    // The contract types the listener precisely; here it is checked at run time instead.
    (socket as unknown as { on(e: string, l: (...args: unknown[]) => void): void }).on(event, listener);
  };
}
