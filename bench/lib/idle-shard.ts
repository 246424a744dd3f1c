/**
 * One thread of the idle connections' load generator (scenarios/connections.ts): it holds
 * some of the clients, each in its room. A Parley client is the browser's own room view
 * (`RoomSync` over Socket.IO): it joins, rejoins after every reconnect and catches up from
 * the last message it holds. A baseline client joins its room again on every reconnect.
 * Compiled to dist/bench/idle-shard.mjs with the servers (targets.ts).
 *
 * The coordinator opens clients in steps (`open`), makes each room's talker send (`talk`),
 * and, around a restart, asks each thread how many of its clients are back (`state`):
 * connected, rejoined since `mark`, and (Parley) holding every message acknowledged in
 * their room.
 */
import { parentPort, workerData } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { randomUUID } from "node:crypto";
import { inBatches, openClient, type BenchClient, type BenchRoom, type BenchServer } from "./targets";
import { RoomSync } from "../../app/lib/room-sync";
import { socketTransport, type ChatTransport } from "../../app/lib/transport";

/** A client this thread opens: its room, its session (Parley) and whether it talks. */
export interface IdleMember {
  room: BenchRoom;
  cookie?: string;
  talker: boolean;
}

export type IdleCommand =
  | { cmd: "open"; members: IdleMember[] }
  | { cmd: "mark" }
  /** Every talker sends `count` messages, one after another; with `onReconnect`, at its next connection. */
  | { cmd: "talk"; count: number; wait: boolean; onReconnect?: boolean }
  | { cmd: "acked" }
  | { cmd: "state"; acked: Record<string, number[]> }
  | { cmd: "close" };

export type IdleReply =
  | { type: "opened"; clients: number }
  | { type: "marked" }
  | { type: "talked" }
  | { type: "acked"; byRoom: Record<string, number[]> }
  | {
      type: "state";
      clients: number;
      connected: number;
      rejoined: number;
      /** Connected, rejoined since `mark`, (Parley) not stale and holding every acknowledged message of its room. */
      back: number;
      /** Acknowledged messages not held, summed over the clients. */
      missing: number;
      /** This thread's event-loop utilisation since `mark` (0–1). */
      elu: number;
    }
  | { type: "error"; message: string };

interface Held {
  client: BenchClient;
  member: IdleMember;
  sync?: RoomSync;
  /** Rejoined (its room's join answered) since the last `mark`. */
  rejoined: boolean;
}

async function main() {
  const { kind, url } = workerData as { kind: BenchServer["kind"]; url: string };
  const port = parentPort!;
  const server = { kind, url } as BenchServer;
  const held: Held[] = [];
  const acked = new Map<string, number[]>();
  let elu0 = performance.eventLoopUtilization();

  async function open(members: IdleMember[]) {
    const opened = await inBatches(members, 50, async (member) => {
      const client = await openClient(server, member.cookie);
      const h: Held = { client, member, rejoined: false };
      if (kind === "parley") {
        // The browser's transport, with the join's answer noted: a rejoin is complete when it answered.
        const inner = socketTransport(client.socket as never);
        const transport: ChatTransport = {
          ...inner,
          request: (async (event: string, payload: unknown, timeoutMs?: number) => {
            const ack = await (inner.request as (e: string, p: unknown, t?: number) => Promise<{ ok: boolean }>)(event, payload, timeoutMs);
            if (event === "room:join" && ack.ok) h.rejoined = true;
            return ack;
          }) as ChatTransport["request"],
        };
        h.sync = new RoomSync(transport, member.room.slug, { retryDelayMs: 200 }).start();
      } else {
        await client.join(member.room);
        client.socket.on("connect", () => void client.join(member.room).then(() => (h.rejoined = true)));
      }
      return h;
    });
    if (kind === "parley") {
      const deadline = Date.now() + 120_000;
      while (!opened.every((h) => h.sync!.get().phase === "joined" && !h.sync!.get().stale)) {
        if (Date.now() > deadline) throw new Error("RoomSync never joined");
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    held.push(...opened);
  }

  async function talk(h: Held, count: number) {
    for (let i = 0; i < count; i++) {
      const ack = (await h.client.socket
        .timeout(30_000)
        .emitWithAck(kind === "parley" ? "message:send" : "send", kind === "parley" ? { roomId: h.member.room.id, clientId: randomUUID(), body: `idle ${i}` } : { room: h.member.room.id, body: `idle ${i}` })
        .catch(() => ({ ok: false }))) as { ok: boolean; data?: { message?: { seq: number } } };
      const seq = ack.data?.message?.seq;
      if (ack.ok && seq !== undefined) {
        const list = acked.get(h.member.room.id) ?? [];
        list.push(seq);
        acked.set(h.member.room.id, list);
      }
    }
  }

  function state(byRoom: Record<string, number[]>): IdleReply {
    let connected = 0;
    let rejoined = 0;
    let back = 0;
    let missing = 0;
    for (const h of held) {
      const isConnected = h.client.socket.connected;
      if (isConnected) connected++;
      if (h.rejoined) rejoined++;
      let complete = isConnected && h.rejoined;
      if (h.sync) {
        const s = h.sync.get();
        const seqs = new Set(s.log.confirmed.map((m) => m.seq));
        const absent = (byRoom[h.member.room.id] ?? []).filter((seq) => !seqs.has(seq)).length;
        missing += absent;
        complete &&= s.phase === "joined" && !s.stale && absent === 0;
      }
      if (complete) back++;
    }
    return { type: "state", clients: held.length, connected, rejoined, back, missing, elu: performance.eventLoopUtilization(elu0).utilization };
  }

  port.on("message", (m: IdleCommand) => {
    const reply = (r: IdleReply) => port.postMessage(r);
    const fail = (e: unknown) => reply({ type: "error", message: String((e as Error)?.stack ?? e) });
    if (m.cmd === "open") open(m.members).then(() => reply({ type: "opened", clients: held.length }), fail);
    else if (m.cmd === "mark") {
      for (const h of held) h.rejoined = false;
      elu0 = performance.eventLoopUtilization();
      reply({ type: "marked" });
    } else if (m.cmd === "talk") {
      const talkers = held.filter((h) => h.member.talker);
      const run = (h: Held) => {
        if (!m.onReconnect) return talk(h, m.count);
        return new Promise<void>((resolve) => h.client.socket.once("connect", () => void talk(h, m.count).then(resolve)));
      };
      const all = Promise.all(talkers.map(run));
      if (m.wait) all.then(() => reply({ type: "talked" }), fail);
      else {
        all.catch(fail);
        reply({ type: "talked" });
      }
    } else if (m.cmd === "acked") reply({ type: "acked", byRoom: Object.fromEntries(acked) });
    else if (m.cmd === "state") reply(state(m.acked));
    else if (m.cmd === "close") {
      for (const h of held) {
        h.sync?.close();
        h.client.socket.close();
      }
      port.close();
    }
  });
}

main().catch((err: unknown) => parentPort!.postMessage({ type: "error", message: String((err as Error)?.stack ?? err) } satisfies IdleReply));
