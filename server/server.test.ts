import { describe, expect, it } from "vitest";
import pino from "pino";
import { bounded } from "./server";

/** A logger that keeps what it is told, to assert on. */
function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: "warn" }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

describe("shutdown steps are bounded", () => {
  it("a step that never finishes is given up after its time, and the log says which", async () => {
    const { log, lines } = recordingLogger();
    const started = Date.now();
    const done = await bounded(log, "Redis", new Promise(() => undefined), 100);
    expect(done).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ step: "Redis", ms: 100, msg: expect.stringContaining("did not finish") });
  });

  it("a step that finishes (or fails) in time counts as done, with nothing logged", async () => {
    const { log, lines } = recordingLogger();
    expect(await bounded(log, "database", Promise.resolve(), 1000)).toBe(true);
    expect(await bounded(log, "database", Promise.reject(new Error("already closed")), 1000)).toBe(true);
    expect(lines).toHaveLength(0);
  });
});
