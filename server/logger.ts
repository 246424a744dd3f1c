import { pino, type Logger as PinoLogger } from "pino";

export type Logger = Pick<PinoLogger, "debug" | "info" | "warn" | "error">;
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** JSON lines on stdout; LOG_LEVEL picks the floor. Errors go under `err` with their stack. */
export function createLogger(level: LogLevel = "info"): Logger {
  return pino({ level, base: { service: "parley" } });
}
