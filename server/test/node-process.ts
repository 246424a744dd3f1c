import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
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

/** Ports this process has handed out: a probe closes its port, so the next call could draw it again. */
const handedOut = new Set<number>();

/**
 * A free port below the kernel's ephemeral range (`net.ipv4.ip_local_port_range`), for a
 * server that is killed or stopped and started again on its port: a port in that range may
 * meanwhile be taken as the local end of an outgoing connection (a reconnecting client's,
 * the server's own to PostgreSQL and Redis), and the new process's listen then fails with
 * EADDRINUSE (seen in the bench: a storm of 19,500 clients, a node on port 40607).
 * Production listens on a fixed low port.
 */
export async function freePort(): Promise<number> {
  let low = 32768;
  try {
    low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]) || low;
  } catch {
    // Not Linux: the usual range's start.
  }
  const from = Math.max(1024, low - 10_000);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = from + Math.floor(Math.random() * (low - from));
    if (handedOut.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
    if (free) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${from} and ${low}`);
}
