import { createRequire } from "node:module";
import { pino, type Logger as PinoLogger, type LoggerOptions } from "pino";

export type Logger = Pick<PinoLogger, "debug" | "info" | "warn" | "error">;
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** Fields whose values are credentials or capabilities (a push endpoint is one), at the top or one level down. */
const REDACTED = ["cookie", "authorization", "token", "password", "endpoint", "secret", "p256dh", "privateKey"].flatMap((k) => [k, `*.${k}`, `*.headers.${k}`]);

/** Whether pino-pretty (a development dependency) is installed here: a production image has none. */
function prettyInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve("pino-pretty");
    return true;
  } catch {
    return false;
  }
}

/**
 * JSON lines on stdout; LOG_LEVEL picks the floor. Errors go under `err` with their stack.
 * `pretty` (`npm run dev`): readable coloured lines through pino-pretty on a worker thread,
 * when it is installed; the redaction applies before either.
 */
export function createLogger(level: LogLevel = "info", destination?: NodeJS.WritableStream, options: { pretty?: boolean } = {}): Logger {
  const base: LoggerOptions = {
    level,
    base: { service: "parley" },
    // Credentials and capabilities never reach the log, wherever a caller put them.
    redact: {
      paths: REDACTED,
      censor: "[redacted]",
    },
  };
  if (destination) return pino(base, destination);
  if (options.pretty && prettyInstalled()) {
    return pino({ ...base, transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,service" } } });
  }
  return pino(base);
}
