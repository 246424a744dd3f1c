import { randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { ServerStats } from "./probe";
import { BENCH_BUILD_DIR, inBatches, makeRoom, nowMs, openClient, parleySessions, percentile, type BenchClient, type BenchRoom, type BenchServer } from "./targets";
import type { ShardCommand, ShardMember, ShardReply } from "./load-shard";

export interface Population {
  rooms: BenchRoom[];
  /** members[r]: the clients in room r. */
  members: BenchClient[][];
  all: BenchClient[];
}

/** Opens `roomCount × perRoom` clients and puts each in its room (Parley: 100 guest sessions, shared like tabs). */
export async function populate(server: BenchServer, roomCount: number, perRoom: number): Promise<Population> {
  const total = roomCount * perRoom;
  const cookies = server.kind === "parley" ? await parleySessions(server, Math.min(100, total)) : [];
  const all = await inBatches(Array.from({ length: total }, (_, i) => cookies[i % Math.max(1, cookies.length)]), 50, (cookie) => openClient(server, cookie));
  const rooms: BenchRoom[] = [];
  const members: BenchClient[][] = [];
  for (let r = 0; r < roomCount; r++) {
    const group = all.slice(r * perRoom, (r + 1) * perRoom);
    const room = await makeRoom(server.kind, group[0]!, `bench ${r} ${randomUUID().slice(0, 6)}`);
    await inBatches(group, 50, (c) => c.join(room));
    rooms.push(room);
    members.push(group);
  }
  return { rooms, members, all };
}

export function closeAll(p: Population) {
  for (const c of p.all) c.socket.close();
}

export interface LoadResult {
  rate: number;
  sent: number;
  acked: number;
  expected: number;
  delivered: number;
  ratio: number;
  deliveriesPerSec: number;
  latency: { p50: number; p99: number; max: number };
  /** Deliveries to a client of another node than the sender's, and to one of the same node (several nodes only). */
  crossNode: { count: number; p50: number; p99: number };
  sameNode: { count: number; p50: number; p99: number };
  ack: { p50: number; p99: number; max: number };
  server: ServerStats;
  /** CPU seconds the server's processes (every node's) used from the first send to the last delivery (or the drain's end). */
  serverCpuSeconds: number;
  /** The load generator's threads, and the busiest one's event-loop utilisation (0–1). */
  generator: { threads: number; eluMax: number };
}

/** Threads of the load generator: BENCH_LOAD_THREADS, or one per core. */
export const loadThreads = () => Number(process.env.BENCH_LOAD_THREADS ?? os.availableParallelism());

/**
 * One thread of a load generator (a compiled file of BENCH_BUILD_DIR: load-shard.mjs,
 * idle-shard.mjs), the commands it is sent and the replies it sends; a reply of type
 * "error" fails every wait.
 */
export class WorkerShard<Command, Reply extends { type: string; message?: unknown }> {
  private readonly worker: Worker;
  private readonly waiting: Array<{ type: Reply["type"]; resolve: (r: Reply) => void; reject: (e: Error) => void }> = [];
  private failed: Error | undefined;
  constructor(file: string, workerData: unknown) {
    this.worker = new Worker(path.resolve(BENCH_BUILD_DIR, file), { workerData });
    this.worker.on("message", (r: Reply) => {
      if (r.type === "error") return this.fail(new Error(`load generator thread: ${String(r.message)}`));
      const i = this.waiting.findIndex((w) => w.type === r.type);
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(r);
    });
    this.worker.on("error", (e) => this.fail(e));
  }
  private fail(e: Error) {
    this.failed = e;
    for (const w of this.waiting.splice(0)) w.reject(e);
  }
  next<T extends Reply["type"]>(type: T): Promise<Extract<Reply, { type: T }>> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => this.waiting.push({ type, resolve: resolve as (r: Reply) => void, reject }));
  }
  ask<T extends Reply["type"]>(command: Command, reply: T) {
    const answer = this.next(reply);
    this.worker.postMessage(command);
    return answer;
  }
  /** Sends `close`; the thread ends once its sockets are closed (not waited for). */
  close(command: Command) {
    this.worker.postMessage(command);
    setTimeout(() => void this.worker.terminate(), 1000).unref();
  }
}

class Shard extends WorkerShard<ShardCommand, ShardReply> {
  constructor(server: BenchServer, members: ShardMember[]) {
    super("load-shard.mjs", { kind: server.kind, url: server.url, members });
  }
}

/**
 * The load generator for the traffic scenarios: `roomCount × perRoom` clients, spread over
 * `threads` worker threads (each room's members across all of them), `sendersPerRoom`
 * of each room sending. A single thread parsing 100 deliveries per message reaches 100 %
 * event-loop use before either server does; its own queue then decides the latency.
 */
export class LoadGenerator {
  private constructor(
    private readonly server: BenchServer,
    private readonly nodes: readonly BenchServer[],
    private readonly shards: Shard[],
    private readonly senderShare: number[],
  ) {}

  /**
   * `nodes`: several nodes of one deployment (the first is `server`), the clients spread
   * over them in turn (a room's members and its senders on every node).
   */
  static async open(server: BenchServer, roomCount: number, perRoom: number, sendersPerRoom: number, threads = loadThreads(), nodes: readonly BenchServer[] = [server]): Promise<LoadGenerator> {
    const total = roomCount * perRoom;
    const cookies = server.kind === "parley" ? await parleySessions(server, Math.min(100, total)) : [];
    // Rooms are made by a client of this thread; the members join from the shards.
    const creator = await openClient(server, cookies[0]);
    const rooms: BenchRoom[] = [];
    for (let r = 0; r < roomCount; r++) rooms.push(await makeRoom(server.kind, creator, `bench ${r} ${randomUUID().slice(0, 6)}`));
    creator.socket.close();
    const perShard: ShardMember[][] = Array.from({ length: threads }, () => []);
    for (let r = 0; r < roomCount; r++) {
      for (let i = 0; i < perRoom; i++) {
        const g = r * perRoom + i;
        const node = i % nodes.length;
        perShard[g % threads]!.push({ room: rooms[r]!, roomSize: perRoom, cookie: cookies[g % Math.max(1, cookies.length)], sender: i < sendersPerRoom, node, url: nodes[node]!.url });
      }
    }
    const shards = perShard.map((members) => new Shard(server, members));
    await Promise.all(shards.map((s) => s.next("ready")));
    const senders = perShard.map((members) => members.filter((m) => m.sender).length);
    const all = senders.reduce((a, b) => a + b, 0);
    return new LoadGenerator(server, nodes, shards, senders.map((n) => n / all));
  }

  /**
   * Every thread sends its share of `rate` messages a second for `durationMs`, from one
   * agreed start; every member records each delivery and its delay (the send time travels
   * in the body, on the clock all threads share).
   */
  async run(options: { rate: number; durationMs: number; drainMs?: number }): Promise<LoadResult> {
    const run = randomUUID().slice(0, 8);
    await Promise.all(this.nodes.map((n) => n.reset()));
    const cpu = () => this.nodes.reduce((a, n) => a + n.cpuSeconds(), 0);
    const cpuBefore = cpu();
    const startAtMs = nowMs() + 20;
    const sentReplies = await Promise.all(
      this.shards.map((s, i) => s.ask({ cmd: "run", run, rate: options.rate * this.senderShare[i]!, durationMs: options.durationMs, startAtMs }, "sent")),
    );
    const sent = sentReplies.reduce((a, r) => a + r.sent, 0);
    const expected = sentReplies.reduce((a, r) => a + r.expected, 0);
    const drainUntil = performance.now() + (options.drainMs ?? 1000);
    for (;;) {
      const counts = await Promise.all(this.shards.map((s) => s.ask({ cmd: "count" }, "count")));
      const delivered = counts.reduce((a, c) => a + c.delivered, 0);
      const acked = counts.reduce((a, c) => a + c.acks, 0);
      if ((delivered >= expected && acked >= sent) || performance.now() >= drainUntil) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const serverCpuSeconds = cpu() - cpuBefore;
    const serverStats = await this.server.stats();
    const finished = await Promise.all(this.shards.map((s) => s.ask({ cmd: "finish" }, "finished")));
    const merge = (parts: Float64Array[]) => {
      const all = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
      let at = 0;
      for (const p of parts) all.set(p, (at += p.length) - p.length);
      return Array.from(all.sort());
    };
    const latencies = merge(finished.map((f) => f.latencies));
    const acks = merge(finished.map((f) => f.acks));
    const crossNode = merge(finished.map((f) => f.crossNode));
    // Same-node deliveries: every latency not also in the cross-node list (both sorted).
    const sameNode: number[] = [];
    for (let i = 0, j = 0; i < latencies.length; i++) {
      if (j < crossNode.length && crossNode[j] === latencies[i]) j++;
      else sameNode.push(latencies[i]!);
    }
    const delivered = finished.reduce((a, f) => a + f.delivered, 0);
    const lastDelivery = Math.max(...finished.map((f) => f.lastDeliveryMs));
    const window = Math.max(options.durationMs, lastDelivery - startAtMs);
    return {
      rate: options.rate,
      sent,
      acked: finished.reduce((a, f) => a + f.acked, 0),
      expected,
      delivered,
      ratio: expected === 0 ? 1 : delivered / expected,
      deliveriesPerSec: (delivered / window) * 1000,
      latency: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN },
      crossNode: { count: crossNode.length, p50: percentile(crossNode, 50), p99: percentile(crossNode, 99) },
      sameNode: { count: sameNode.length, p50: percentile(sameNode, 50), p99: percentile(sameNode, 99) },
      ack: { p50: percentile(acks, 50), p99: percentile(acks, 99), max: acks.at(-1) ?? NaN },
      server: serverStats,
      serverCpuSeconds,
      generator: { threads: this.shards.length, eluMax: Math.max(...finished.map((f) => f.elu)) },
    };
  }

  close() {
    for (const s of this.shards) s.close({ cmd: "close" });
  }
}
