import type { ErrorBody, ErrorCode } from "../contract/errors";
import type { Logger } from "../logger";
import { isDatabaseUnavailable } from "../store/unavailable";

/**
 * A refusal the user should hear about: the code is stable, the message is shown as is.
 * Anything else thrown in a handler is logged and reported as `internal`.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const UNAVAILABLE: ErrorBody = {
  code: "unavailable",
  message: "The server cannot reach its database right now. Try again in a moment.",
};

/**
 * What a client is told when a request fails, on every transport: a DomainError as it is;
 * a database outage as `unavailable` (retryable); anything else as `internal`, with the
 * details kept in the log.
 */
export function toErrorBody(err: unknown, log: Logger, context: Record<string, unknown>): ErrorBody {
  if (err instanceof DomainError) return { code: err.code, message: err.message };
  if (isDatabaseUnavailable(err)) {
    log.warn({ err, ...context }, "database unavailable");
    return UNAVAILABLE;
  }
  log.error({ err, ...context }, "handler failed");
  return { code: "internal", message: "Something went wrong on the server. Try again." };
}
