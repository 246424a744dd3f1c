/**
 * The closed list of error codes a client can receive, in an acknowledgement or a
 * `connect_error`. Messages are written for people; codes are for programs.
 * `unavailable` (the database cannot be reached now) and `internal` are worth retrying
 * unchanged; the others are about the request.
 */
export const ERROR_CODES = [
  "invalid_payload",
  "unauthorized",
  "invalid_credentials",
  "username_taken",
  "forbidden",
  "not_found",
  "message_empty",
  "message_too_long",
  "reaction_invalid",
  "room_name_invalid",
  "file_too_large",
  "file_quota_exceeded",
  "file_unavailable",
  "too_many_files",
  "uploads_off",
  "not_an_image",
  "duplicate_conflict",
  "rate_limited",
  "too_many_connections",
  "unavailable",
  "internal",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/**
 * Every acknowledgement has this shape.
 *
 * @example
 * const ack = await socket.emitWithAck("room:list", {});
 * if (ack.ok) render(ack.data.rooms); else showError(ack.error.message);
 */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export type AckFn<T> = (ack: Ack<T>) => void;
