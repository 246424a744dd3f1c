import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { v7 as uuidv7 } from "uuid";
import { io, type Socket } from "socket.io-client";
import type { ServerStats } from "./probe";

/** Where `compileBenchServers` puts the servers and the load generator's threads. */
export const BENCH_BUILD_DIR = "dist/bench";

/**
 * Compiles bench/servers/*.ts (the bare baseline, the durable floor, the textbook server,
 * Parley) as `npm run build` compiles Parley's server (plain JavaScript, not tsx): every
 * server runs as production would run it. The load generator's thread (load-shard.ts) is
 * and the idle connections' threads (idle-shard.ts) are compiled with them.
 */
export async function compileBenchServers(): Promise<void> {
  // Imported here, not at the top: the load generator's threads import this file too.
  const { buildServer } = await import("../../scripts/build-server.mjs");
  await buildServer({ baseline: "bench/servers/baseline.ts", floor: "bench/servers/floor.ts", textbook: "bench/servers/textbook.ts", parley: "bench/servers/parley.ts", "load-shard": "bench/lib/load-shard.ts", "idle-shard": "bench/lib/idle-shard.ts" }, BENCH_BUILD_DIR);
}

/**
 * A benchmarked server in a child process of its own (its CPU and memory are its own),
 * compiled first (`compileBenchServers`).
 */
/**
 * CPU time a process has used so far, in nanoseconds: the sum of every thread's
 * /proc/<pid>/task/<tid>/schedstat (readable for another user's process too). A thread that
 * ended before the reading is not counted.
 */
export function processCpuNanos(pid: number): number {
  const dir = `/proc/${pid}/task`;
  let total = 0;
  for (const tid of fs.readdirSync(dir)) {
    try {
      total += Number(fs.readFileSync(`${dir}/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // The thread ended between the listing and the reading.
    }
  }
  return total;
}

export class BenchServer {
  private child: ChildProcess | undefined;
  port = 0;
  constructor(
    /**
     * `floor`: the durable floor (bench/servers/floor.ts); `textbook`: Prisma's
     * `message.create` per message (bench/servers/textbook.ts). Both speak the baseline's protocol.
     */
    readonly kind: "baseline" | "floor" | "textbook" | "parley",
    readonly env: Record<string, string> = {},
  ) {}
  get url() {
    return `http://127.0.0.1:${this.port}`;
  }
  /** The server's process id, once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }
  async start(): Promise<number> {
    const started = performance.now();
    // BENCH_SERVER_NODE_ARGS: extra Node flags for the servers, e.g. "--cpu-prof --cpu-prof-dir=prof".
    const extra = process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
    const child = spawn(process.execPath, ["--expose-gc", ...extra, path.join(BENCH_BUILD_DIR, `${this.kind}.mjs`)], {
      env: { ...process.env, ...this.env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    this.child = child;
    this.port = await new Promise<number>((resolve, reject) => {
      child.stdout!.on("data", (d: Buffer) => {
        const m = /ready (\d+)/.exec(d.toString());
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", (code) => reject(new Error(`${this.kind} server exited with ${code}`)));
    });
    return performance.now() - started;
  }
  /**
   * User + system CPU seconds the server's process has used so far (every thread: the
   * SQLite writer's too), from /proc/<pid>/stat, read from outside: the reading costs the
   * server nothing.
   */
  cpuSeconds(): number {
    return processStat(this.child!.pid!).ticks / clockTicksPerSecond();
  }
  /**
   * CPU time the server's process has used so far, in nanoseconds: the sum of every
   * thread's /proc/<pid>/task/<tid>/schedstat. Unlike `cpuSeconds` (clock ticks of 10 ms),
   * fine enough for an idle server's few milliseconds a second. A thread that ended before
   * the reading is not counted: take both readings of a window while the same threads run.
   */
  cpuNanos(): number {
    return processCpuNanos(this.child!.pid!);
  }
  async stats(): Promise<ServerStats> {
    return (await fetch(`${this.url}/bench/stats`)).json() as Promise<ServerStats>;
  }
  async reset() {
    await fetch(`${this.url}/bench/reset`);
  }
  async gc() {
    await fetch(`${this.url}/bench/gc`);
  }
  /** SIGTERM (so that a profile asked for in BENCH_SERVER_NODE_ARGS is written), SIGKILL after 10 s. */
  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * A process's command name and the user + system CPU it has used so far, in clock ticks
 * (every thread), from /proc/<pid>/stat. Throws if the process is gone.
 */
export function processStat(pid: number): { comm: string; ticks: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start at its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), ticks: Number(fields[11]) + Number(fields[12]) };
}

let ticks: number | undefined;
/** Clock ticks per second, the unit of /proc/<pid>/stat's CPU times. */
export const clockTicksPerSecond = () => (ticks ??= Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100);

/** What a load-generator client does, whichever server it talks to. */
export interface BenchClient {
  socket: Socket;
  join(room: BenchRoom): Promise<void>;
  /** Resolves when acknowledged (the message stored, for Parley). */
  send(room: BenchRoom, body: string): Promise<boolean>;
  /** Returns a function that removes the listener. */
  onMessage(listener: (body: string, roomId: string, seq: number) => void): () => void;
}

export interface BenchRoom {
  id: string;
  slug: string;
}

type Ack = { ok: boolean; data?: { room?: BenchRoom } };

function connect(url: string, cookie?: string): Promise<Socket> {
  const socket = io(url, {
    transports: ["websocket"],
    forceNew: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 2000,
    ...(cookie ? { extraHeaders: { cookie } } : {}),
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

/** Clients of the bare Socket.IO baseline: `join`, `send`, `message`. */
export async function baselineClient(server: BenchServer): Promise<BenchClient> {
  const socket = await connect(server.url);
  return {
    socket,
    async join(room) {
      await socket.emitWithAck("join", room.id);
    },
    async send(room, body) {
      return ((await socket.emitWithAck("send", { room: room.id, body })) as Ack).ok;
    },
    onMessage(listener) {
      const on = (m: { body: string; roomId: string; seq: number }) => listener(m.body, m.roomId, m.seq);
      socket.on("message", on);
      return () => void socket.off("message", on);
    },
  };
}

/** Guest sessions for Parley clients (several connections share one, like tabs). */
export async function parleySessions(server: BenchServer, count: number): Promise<string[]> {
  const cookies: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${server.url}/api/session`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ displayName: `Bench ${i}` }),
    });
    if (res.status !== 201) throw new Error(`guest sign-in failed: ${res.status}`);
    cookies.push(res.headers.get("set-cookie")!.split(";")[0]!);
  }
  return cookies;
}

/** Clients of Parley, through its real contract: `room:join`, `message:send`, `message:created`. */
export async function parleyClient(server: BenchServer, cookie: string): Promise<BenchClient> {
  const socket = await connect(server.url, cookie);
  return {
    socket,
    async join(room) {
      const ack = (await socket.emitWithAck("room:join", { slug: room.slug })) as Ack;
      if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack)}`);
    },
    async send(room, body) {
      return ((await socket.emitWithAck("message:send", { roomId: room.id, clientId: uuidv7(), body })) as Ack).ok;
    },
    onMessage(listener) {
      const on = (m: { body: string; roomId: string; seq: number }) => listener(m.body, m.roomId, m.seq);
      socket.on("message:created", on);
      return () => void socket.off("message:created", on);
    },
  };
}

/** A client of either server: Parley's with a guest session's cookie, the baseline's without. */
export function openClient(server: BenchServer, cookie?: string): Promise<BenchClient> {
  return server.kind === "parley" ? parleyClient(server, cookie!) : baselineClient(server);
}

/** `fn` over `items`, `size` at a time, in order: hundreds of sockets are opened in waves, not at once. */
export async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map((item, k) => fn(item, i + k)))));
  return out;
}

/** Milliseconds on the monotonic clock every thread shares (send times travel in bodies). */
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Makes a room: Parley's through `room:create`; the baseline's is just a name. */
export async function makeRoom(kind: BenchServer["kind"], creator: BenchClient, name: string): Promise<BenchRoom> {
  if (kind !== "parley") return { id: name, slug: name };
  const ack = (await creator.socket.emitWithAck("room:create", { name })) as Ack;
  if (!ack.ok || !ack.data?.room) throw new Error(`room:create failed: ${JSON.stringify(ack)}`);
  return ack.data.room;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
