import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * A Parley server in a process of its own (the production build, as `npm start` runs it),
 * for tests that stop or restart it. Each instance gets its own port and database folder.
 */
export class ServerProcess {
  private child: ChildProcess | undefined;
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-proc-"));
  stderr = "";

  /** `env` overrides the defaults: DATABASE_URL and REDIS_URL for a node of a cluster. */
  constructor(
    readonly port: number,
    readonly env: Record<string, string> = {},
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        PORT: String(this.port),
        HOST: "127.0.0.1",
        DATABASE_URL: `file:${path.join(this.dataDir, "parley.db")}`,
        LOG_LEVEL: "info",
        RATE_LIMIT_SCALE: "100",
        ...this.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout!.on("data", (d) => (this.stderr += d));
    this.child.stderr!.on("data", (d) => (this.stderr += d));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`server exited early:\n${this.stderr}`);
      try {
        if ((await fetch(`${this.url}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`server did not become healthy:\n${this.stderr}`);
  }

  /** Sends a signal and resolves with the exit code (null if it had to be killed after `ms`). */
  async stop(signal: NodeJS.Signals = "SIGTERM", ms = 15_000): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }

  async dispose() {
    await this.stop("SIGKILL");
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
