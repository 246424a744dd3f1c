/**
 * One thread of the load generator (load.ts, `LoadGenerator`): it holds some of the clients,
 * sends its share of the rate through its senders, and records what its clients receive.
 * Compiled to dist/bench/load-shard.mjs with the servers (targets.ts). The load is split
 * over threads because one event loop parsing 100 deliveries per message saturates first:
 * with a single thread, the knee measured was the generator's as much as the server's
 * (docs/performance.md, run G).
 *
 * Messages from the coordinator: `open`, `run`, `count`, `finish`, `close`; see `ShardCommand`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { inBatches, nowMs, openClient, type BenchRoom, type BenchServer } from "./targets";

/** A client this thread opens: its room, its session (Parley) and whether it sends. */
export interface ShardMember {
  room: BenchRoom;
  /** Members of the whole room, on every thread: each message sent there is due to all of them. */
  roomSize: number;
  cookie?: string;
  sender: boolean;
  /** Which node of several the client talks to (`url`), when the load is spread (0 otherwise). */
  node?: number;
  url?: string;
}

export type ShardCommand =
  | { cmd: "run"; run: string; rate: number; durationMs: number; startAtMs: number }
  | { cmd: "count" }
  | { cmd: "finish" }
  | { cmd: "close" };

export type ShardReply =
  | { type: "ready" }
  | { type: "error"; message: string }
  | { type: "sent"; sent: number; expected: number }
  | { type: "count"; delivered: number; acks: number }
  | {
      type: "finished";
      sent: number;
      acked: number;
      expected: number;
      delivered: number;
      lastDeliveryMs: number;
      latencies: Float64Array;
      /** The deliveries whose sender talked to another node than the receiver (a subset of `latencies`). */
      crossNode: Float64Array;
      acks: Float64Array;
      elu: number;
    };

async function main() {
  const { kind, url, members } = workerData as { kind: BenchServer["kind"]; url: string; members: ShardMember[] };
  const port = parentPort!;
  const server = { kind, url } as BenchServer;
  const clients = await inBatches(members, 50, (m) => openClient(m.url ? ({ kind, url: m.url } as BenchServer) : server, m.cookie));
  await inBatches(clients, 50, (c, i) => c.join(members[i]!.room));
  const senders = members.flatMap((m, i) => (m.sender ? [{ c: clients[i]!, m }] : []));

  let current: ReturnType<typeof startRun> | undefined;
  function startRun(run: string, rate: number, durationMs: number, startAtMs: number) {
    const latencies: number[] = [];
    const crossNode: number[] = [];
    const acks: number[] = [];
    let delivered = 0;
    let lastDeliveryMs = 0;
    let sent = 0;
    let acked = 0;
    let expected = 0;
    const prefix = `${run}:`;
    // The body: `<run>:<send time>|<sender's node>|chat message <n>`.
    const listenerOf = (node: number) => (body: string) => {
      if (!body.startsWith(prefix)) return;
      const now = nowMs();
      delivered++;
      lastDeliveryMs = now;
      const bar = body.indexOf("|", prefix.length);
      const latency = now - Number(body.slice(prefix.length, bar));
      latencies.push(latency);
      if (Number(body.slice(bar + 1, body.indexOf("|", bar + 1))) !== node) crossNode.push(latency);
    };
    const detach = clients.map((c, i) => c.onMessage(listenerOf(members[i]!.node ?? 0)));
    const elu0 = performance.eventLoopUtilization();
    const total = Math.floor((durationMs * rate) / 1000);
    const begin = () => {
      const tick = setInterval(() => {
        const elapsed = nowMs() - startAtMs;
        const due = Math.min(Math.floor((Math.min(elapsed, durationMs) * rate) / 1000), total) - sent;
        for (let i = 0; i < due && senders.length > 0; i++) {
          const s = senders[sent % senders.length]!;
          const t = nowMs();
          sent++;
          expected += s.m.roomSize;
          // An overloaded step can end with acks outstanding; closing the clients then fails
          // them ("socket has been disconnected"): they count as not acknowledged.
          s.c.send(s.m.room, `${prefix}${t.toFixed(3)}|${s.m.node ?? 0}|chat message ${sent}`).then(
            (ok) => {
              if (ok) acked++;
              acks.push(nowMs() - t);
            },
            () => undefined,
          );
        }
        if (elapsed >= durationMs) {
          clearInterval(tick);
          port.postMessage({ type: "sent", sent, expected } satisfies ShardReply);
        }
      }, 5);
    };
    setTimeout(begin, Math.max(0, startAtMs - nowMs()));
    return {
      count: (): ShardReply => ({ type: "count", delivered, acks: acks.length }),
      finish: (): ShardReply => {
        for (const d of detach) d();
        return {
          type: "finished",
          sent,
          acked,
          expected,
          delivered,
          lastDeliveryMs,
          latencies: Float64Array.from(latencies),
          crossNode: Float64Array.from(crossNode),
          acks: Float64Array.from(acks),
          elu: performance.eventLoopUtilization(elu0).utilization,
        };
      },
    };
  }

  port.on("message", (m: ShardCommand) => {
    if (m.cmd === "run") current = startRun(m.run, m.rate, m.durationMs, m.startAtMs);
    else if (m.cmd === "count") port.postMessage(current ? current.count() : ({ type: "count", delivered: 0, acks: 0 } satisfies ShardReply));
    else if (m.cmd === "finish") {
      const r = current!.finish();
      current = undefined;
      if (r.type === "finished") port.postMessage(r, [r.latencies.buffer as ArrayBuffer, r.crossNode.buffer as ArrayBuffer, r.acks.buffer as ArrayBuffer]);
    } else if (m.cmd === "close") {
      for (const c of clients) c.socket.close();
      port.close();
    }
  });
  port.postMessage({ type: "ready" } satisfies ShardReply);
}

main().catch((err: unknown) => parentPort!.postMessage({ type: "error", message: String((err as Error)?.stack ?? err) } satisfies ShardReply));
