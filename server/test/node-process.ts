import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/**
 * A Parley node (no UI) in a child process (`crash-server.ts`), so that a test can kill it
 * with SIGKILL and start it again on the same port and database. `env` adds REDIS_URL and
 * friends for the multi-node tests.
 */
export class NodeProcess {
  private child: ChildProcess | undefined;
  output = "";
  constructor(
    readonly port: number,
    readonly databaseUrl: string,
    readonly env: Record<string, string> = {},
  ) {}
  get url() {
    return `http://127.0.0.1:${this.port}`;
  }
  async start() {
    const child = spawn(process.execPath, ["--import", "tsx", "server/test/crash-server.ts"], {
      env: { ...process.env, ...this.env, PORT: String(this.port), DATABASE_URL: this.databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    child.stderr!.on("data", (d: Buffer) => (this.output += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
      child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${this.output}`)));
    });
  }
  kill() {
    this.child?.kill("SIGKILL");
  }
  /** SIGTERM: the node drains, as under a process manager; resolves with its exit code. */
  async terminate(): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.kill("SIGTERM");
    return exited;
  }
  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
