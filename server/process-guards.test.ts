import { EventEmitter } from "node:events";
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import pino from "pino";
import { guardProcess, type GuardedProcess } from "./process-guards";

function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

function guarded() {
  const proc = new EventEmitter();
  const { log, lines } = recordingLogger();
  const counted: number[] = [];
  const shutdowns: string[] = [];
  guardProcess(proc as unknown as GuardedProcess, { log, countRejection: () => counted.push(1), shutdown: (reason) => shutdowns.push(reason) });
  return { proc, lines, counted, shutdowns };
}

describe("what the server process does with an error nothing caught", () => {
  it("a rejection nobody handled is logged with its stack and counted; the node does not stop", () => {
    const { proc, lines, counted, shutdowns } = guarded();
    proc.emit("unhandledRejection", new Error("Redis went away"));
    proc.emit("unhandledRejection", "a bare string");
    expect(counted).toHaveLength(2);
    expect(shutdowns).toEqual([]);
    expect(lines[0]).toMatchObject({ level: 50, err: { message: "Redis went away", stack: expect.stringContaining("process-guards.test") } });
    expect(lines[1]).toMatchObject({ level: 50, err: "a bare string" });
  });

  it("each uncaught exception is logged and asks for the stop (which runs once: server/index.ts)", () => {
    const { proc, lines, counted, shutdowns } = guarded();
    proc.emit("uncaughtException", new Error("half-run"));
    proc.emit("uncaughtException", new Error("while stopping"));
    expect(shutdowns).toEqual(["uncaught exception", "uncaught exception"]);
    expect(counted).toEqual([]);
    expect(lines.map((l) => (l.err as { message: string }).message)).toEqual(["half-run", "while stopping"]);
  });

  /** A real Node process with the guards on `process`, running `body`; its output and exit status. */
  function run(body: string): Promise<{ code: number | null; out: string }> {
    const script = `
      import { guardProcess } from "./server/process-guards.ts";
      import { pino } from "pino";
      guardProcess(process, {
        log: pino(),
        countRejection: () => console.log("counted"),
        shutdown: (reason) => { console.log("shutdown: " + reason); setTimeout(() => process.exit(1), 10); },
      });
      ${body}`;
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: process.cwd(), stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      child.on("error", reject);
      child.on("exit", (code) => resolve({ code, out }));
    });
  }

  it("in a real process: after an unhandled rejection it keeps running (Node's default would end it)", async () => {
    const { code, out } = await run(`
      Promise.reject(new Error("nobody waits for me"));
      setTimeout(() => { console.log("still running"); process.exit(0); }, 300);`);
    expect(out).toContain("nobody waits for me");
    expect(out).toContain("counted");
    expect(out).toContain("still running");
    expect(code).toBe(0);
  }, 30_000);

  it("in a real process: an uncaught exception runs the stop, and the process ends with status 1", async () => {
    const { code, out } = await run(`
      setTimeout(() => { throw new Error("thrown from a timer"); }, 10);
      setTimeout(() => { console.log("should not get here"); process.exit(0); }, 5000);`);
    expect(out).toContain("thrown from a timer");
    expect(out).toContain("shutdown: uncaught exception");
    expect(out).not.toContain("should not get here");
    expect(code).toBe(1);
  }, 30_000);
});
