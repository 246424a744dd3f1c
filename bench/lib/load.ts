import { randomUUID } from "node:crypto";
import type { ServerStats } from "./probe";
import { baselineClient, makeRoom, parleyClient, parleySessions, percentile, type BenchClient, type BenchRoom, type BenchServer } from "./targets";

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
  const open = (i: number) => (server.kind === "parley" ? parleyClient(server, cookies[i % cookies.length]!) : baselineClient(server));
  const all: BenchClient[] = [];
  for (let i = 0; i < total; i += 50) {
    all.push(...(await Promise.all(Array.from({ length: Math.min(50, total - i) }, (_, k) => open(i + k)))));
  }
  const rooms: BenchRoom[] = [];
  const members: BenchClient[][] = [];
  for (let r = 0; r < roomCount; r++) {
    const group = all.slice(r * perRoom, (r + 1) * perRoom);
    const room = await makeRoom(server.kind, group[0]!, `bench ${r} ${randomUUID().slice(0, 6)}`);
    for (let i = 0; i < group.length; i += 50) await Promise.all(group.slice(i, i + 50).map((c) => c.join(room)));
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
  ack: { p50: number; p99: number; max: number };
  server: ServerStats;
}

/**
 * `sendersPerRoom` clients of each room send, together, `rate` messages a second for
 * `durationMs`; every member counts what it receives and how long after it was sent
 * (the send time travels in the body: both ends are in this process).
 */
export async function runLoad(
  server: BenchServer,
  population: Population,
  options: { rate: number; durationMs: number; sendersPerRoom: number; drainMs?: number },
): Promise<LoadResult> {
  const run = randomUUID().slice(0, 8);
  const latencies: number[] = [];
  const acks: number[] = [];
  let delivered = 0;
  let lastDelivery = 0;
  const listener = (body: string) => {
    if (!body.startsWith(run)) return;
    const now = performance.now();
    delivered++;
    lastDelivery = now;
    latencies.push(now - Number(body.slice(run.length + 1, body.indexOf("|", run.length + 1))));
  };
  const detach: Array<() => void> = [];
  for (const c of population.all) {
    const on = (m: { body: string }) => listener(m.body);
    const event = server.kind === "parley" ? "message:created" : "message";
    c.socket.on(event, on);
    detach.push(() => c.socket.off(event, on));
  }
  const senders = population.members.flatMap((group, r) => group.slice(0, options.sendersPerRoom).map((c) => ({ c, room: population.rooms[r]!, members: group.length })));
  let sent = 0;
  let acked = 0;
  let expected = 0;
  await server.reset();
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = performance.now() - started;
      const due = Math.min(Math.floor((Math.min(elapsed, options.durationMs) * options.rate) / 1000), Math.floor((options.durationMs * options.rate) / 1000)) - sent;
      for (let i = 0; i < due; i++) {
        const s = senders[sent % senders.length]!;
        const t = performance.now();
        sent++;
        expected += s.members;
        // An overloaded step can end with acks outstanding; closing the clients then fails
        // them ("socket has been disconnected"): they count as not acknowledged.
        s.c.send(s.room, `${run}:${t.toFixed(3)}|chat message ${sent}`).then(
          (ok) => {
            if (ok) acked++;
            acks.push(performance.now() - t);
          },
          () => undefined,
        );
      }
      if (elapsed >= options.durationMs) {
        clearInterval(tick);
        resolve();
      }
    }, 5);
  });
  const sendWindow = performance.now() - started;
  const drainUntil = performance.now() + (options.drainMs ?? 1000);
  while ((delivered < expected || acks.length < sent) && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 10));
  const serverStats = await server.stats();
  for (const d of detach) d();
  latencies.sort((a, b) => a - b);
  acks.sort((a, b) => a - b);
  const window = Math.max(sendWindow, lastDelivery - started);
  return {
    rate: options.rate,
    sent,
    acked,
    expected,
    delivered,
    ratio: expected === 0 ? 1 : delivered / expected,
    deliveriesPerSec: (delivered / window) * 1000,
    latency: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN },
    ack: { p50: percentile(acks, 50), p99: percentile(acks, 99), max: acks.at(-1) ?? NaN },
    server: serverStats,
  };
}
