import { pino, type Logger as PinoLogger } from "pino";

export type Logger = Pick<PinoLogger, "debug" | "info" | "warn" | "error">;
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** Fields whose values are credentials or capabilities (a push endpoint is one), at the top or one level down. */
const REDACTED = ["cookie", "authorization", "token", "password", "endpoint", "secret", "p256dh", "privateKey"].flatMap((k) => [k, `*.${k}`, `*.headers.${k}`]);

/** JSON lines on stdout; LOG_LEVEL picks the floor. Errors go under `err` with their stack. */
export function createLogger(level: LogLevel = "info", destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { service: "parley" },
    // Credentials and capabilities never reach the log, wherever a caller put them.
    redact: {
      paths: REDACTED,
      censor: "[redacted]",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
