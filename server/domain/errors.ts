import type { ErrorCode } from "../contract/errors";

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
