import { randomUUID } from "node:crypto";
import type { Row } from "../lib/report";
import { closeAll, populate } from "../lib/load";
import { BenchServer } from "../lib/targets";
import { RoomSync } from "../../app/lib/room-sync";
import { socketTransport } from "../../app/lib/transport";

/**
 * 1,000 clients in 10 rooms lose their connections at once; while they are away, 10
 * messages go to each room. Measured: until every client is connected again, back in its
 * room and (Parley) holding every message of its room, with the browser's own RoomSync.
 * The baseline has no history to catch up on: its clients only reconnect and rejoin.
 */
async function storm(kind: BenchServer["kind"], rooms: number, perRoom: number) {
  const server = new BenchServer(kind);
  await server.start();
  const population = await populate(server, rooms, perRoom);
  const syncs =
    kind === "parley"
      ? population.members.flatMap((group, r) => group.slice(1).map((c) => new RoomSync(socketTransport(c.socket as never), population.rooms[r]!.slug, { retryDelayMs: 100 }).start()))
      : [];
  if (kind === "parley") {
    const deadline = Date.now() + 60_000;
    while (!syncs.every((s) => s.get().phase === "joined")) {
      if (Date.now() > deadline) throw new Error("RoomSync never joined");
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  // The first client of each room stays and talks; everyone else drops at once.
  const talkers = population.members.map((g) => g[0]!);
  const droppers = population.members.flatMap((g) => g.slice(1));
  const rejoined = new Set<object>();
  if (kind === "baseline") {
    for (const [r, group] of population.members.entries()) {
      for (const c of group.slice(1)) c.socket.on("connect", () => void c.join(population.rooms[r]!).then(() => rejoined.add(c)));
    }
  }
  const started = performance.now();
  for (const c of droppers) c.socket.io.engine.close();
  const perRoomMessages = 10;
  await Promise.all(talkers.map(async (t, r) => {
    for (let i = 0; i < perRoomMessages; i++) await t.send(population.rooms[r]!, `while away ${i} ${randomUUID()}`);
  }));
  const done = () =>
    kind === "parley"
      ? syncs.every((s) => s.get().phase === "joined" && !s.get().stale && s.get().log.confirmed.length === perRoomMessages)
      : rejoined.size === droppers.length;
  const deadline = performance.now() + 60_000;
  while (!done()) {
    if (performance.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = performance.now() - started;
  const complete = done();
  const lost = kind === "parley" ? syncs.reduce((n, s) => n + Math.max(0, perRoomMessages - s.get().log.confirmed.length), 0) : 0;
  for (const s of syncs) s.close();
  closeAll(population);
  await server.stop();
  return { ms: complete ? ms : NaN, lost };
}

export async function reconnectStorm(smoke: boolean): Promise<Row[]> {
  const [rooms, perRoom] = smoke ? [2, 20] : [10, 101];
  const b = await storm("baseline", rooms, perRoom);
  const p = await storm("parley", rooms, perRoom);
  const s = `reconnect storm (${(rooms * (perRoom - 1)).toLocaleString("en-US")} clients)`;
  return [
    {
      scenario: s,
      metric: "all back, rejoined and caught up",
      unit: "ms",
      parley: p.ms,
      baseline: b.ms,
      target: { text: "< 2 s", met: p.ms < 2000 },
    },
    { scenario: s, metric: "messages missing afterwards", unit: "", parley: p.lost, target: { text: "0", met: p.lost === 0 }, correctness: true },
  ];
}
