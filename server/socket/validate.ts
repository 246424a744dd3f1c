import type { z } from "zod";
import type { Ack, ErrorBody } from "../contract/errors";
import { DomainError } from "../domain/errors";
import type { Logger } from "../logger";
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

/**
 * Registers a handler that runs only on a payload that passes `schema`. Whatever happens,
 * the client's acknowledgement (when it gave one) gets `{ ok: true, data }` or
 * `{ ok: false, error }`; a handler can never crash the process.
 *
 * @example
 * on(socket, log, "room:join", roomJoinSchema, async ({ slug }) => rooms.join(slug));
 */
export function on<S extends z.ZodType, R>(
  socket: ParleySocket,
  log: Logger,
  event: string,
  schema: S,
  handler: (input: z.infer<S>) => Promise<R>,
): void {
  const listener = async (payload: unknown, ack?: unknown) => {
    const reply = typeof ack === "function" ? (ack as (a: Ack<R>) => void) : undefined;
    // socket.emit("event", callback) puts the callback first.
    if (reply === undefined && typeof payload === "function") {
      (payload as (a: Ack<R>) => void)({
        ok: false,
        error: { code: "invalid_payload", message: "Invalid payload: expected an object before the callback." },
      });
      return;
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      log.debug({ event, socket: socket.id }, "invalid payload");
      reply?.({ ok: false, error: { code: "invalid_payload", message: describeIssues(parsed.error) } });
      return;
    }
    try {
      const data = await handler(parsed.data);
      reply?.({ ok: true, data });
    } catch (err) {
      reply?.({ ok: false, error: toErrorBody(err, log, event) });
    }
  };
  // The contract types the listener precisely; here it is checked at run time instead.
  (socket as unknown as { on(e: string, l: (...args: unknown[]) => void): void }).on(event, listener);
}
