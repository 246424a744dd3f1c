import { randomUUID } from "node:crypto";
import type { Socket } from "socket.io-client";
import type { Row } from "../lib/report";
import { closeAll, populate } from "../lib/load";
import { BenchServer, percentile } from "../lib/targets";
import { RoomSync } from "../../app/lib/room-sync";
import { socketTransport } from "../../app/lib/transport";

type Ack = { ok: boolean; data?: { message?: { id: string }; change?: { cseq: number } | null }; error?: { code: string } };
const request = (socket: Socket, event: string, payload: object) => socket.timeout(30_000).emitWithAck(event, payload) as Promise<Ack>;
const EMOJI = ["👍", "❤️", "😂", "🎉", "😮", "😢"];

/**
 * A room of 100 with a mixed load: 60 % sends, 20 % edits of the sender's earlier messages,
 * 20 % reactions, at a fixed rate from ten members. Parley only (bare Socket.IO has no
 * edits): every acknowledged change must reach all 100 members exactly once, in cseq order.
 */
async function mixedLoad(smoke: boolean) {
  const [perRoom, rate, seconds] = smoke ? [20, 50, 1] : [100, 200, 5];
  const server = new BenchServer("parley");
  await server.start();
  const population = await populate(server, 1, perRoom);
  const room = population.rooms[0]!;
  const members = population.members[0]!;
  // What each member hears: every change's cseq, in arrival order.
  const heard = members.map(() => [] as number[]);
  members.forEach((m, i) => m.socket.on("message:changed", (c: { cseq: number }) => heard[i]!.push(c.cseq)));
  const talkers = members.slice(0, 10);
  const mine = talkers.map(() => [] as string[]);
  const all: string[] = [];
  const ackMs: Record<"send" | "edit" | "react", number[]> = { send: [], edit: [], react: [] };
  const applied: number[] = [];
  await server.reset();
  const ops: Promise<void>[] = [];
  const total = rate * seconds;
  const started = performance.now();
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t = n % talkers.length;
    const socket = talkers[t]!.socket;
    const roll = n % 10;
    const kind = roll < 6 || mine[t]!.length === 0 ? "send" : roll < 8 ? "edit" : "react";
    const sentAt = performance.now();
    const op =
      kind === "send"
        ? request(socket, "message:send", { roomId: room.id, clientId: randomUUID(), body: `mixed ${n}` }).then((a) => {
            if (a.ok && a.data?.message) {
              mine[t]!.push(a.data.message.id);
              all.push(a.data.message.id);
            }
          })
        : kind === "edit"
          ? request(socket, "message:edit", { roomId: room.id, messageId: mine[t]!.at(-1)!, clientChangeId: randomUUID(), body: `edited ${n}` }).then((a) => {
              if (a.ok && a.data?.change) applied.push(a.data.change.cseq);
            })
          : request(socket, "reaction:add", { roomId: room.id, messageId: all[n % all.length]!, clientChangeId: randomUUID(), emoji: EMOJI[n % EMOJI.length]! }).then((a) => {
              if (a.ok && a.data?.change) applied.push(a.data.change.cseq);
            });
    ops.push(op.then(() => void ackMs[kind].push(performance.now() - sentAt)));
  }
  await Promise.all(ops);
  const deadline = performance.now() + 10_000;
  const expected = applied.length;
  while (heard.some((h) => h.length < expected) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const stats = await server.stats();
  // Exactly once and in order: every member heard 1..expected, each once, ascending.
  const exact = heard.filter((h) => h.length === expected && h.every((c, i) => c === i + 1)).length;
  closeAll(population);
  await server.stop();
  const p99 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 99);
  return { perRoom, rate, expected, exact, members: members.length, editP99: p99(ackMs.edit), reactP99: p99(ackMs.react), sendP99: p99(ackMs.send), cpu: stats.cpuPercent };
}

/**
 * 1,000 clients in 10 rooms are away while 1,000 changes per room are made (10,000 in all);
 * then they come back at once. Measured: from their reconnect until every client's
 * RoomSync holds every change (its change cursor at the room's last) and is not stale.
 */
async function rejoinAfterChanges(smoke: boolean) {
  const [rooms, perRoom, changesPerRoom] = smoke ? [2, 20, 50] : [10, 101, 1000];
  const server = new BenchServer("parley");
  await server.start();
  const population = await populate(server, rooms, perRoom);
  const talkers = population.members.map((g) => g[0]!);
  const targets = await Promise.all(
    talkers.map(async (t, r) => {
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) {
        const a = await request(t.socket, "message:send", { roomId: population.rooms[r]!.id, clientId: randomUUID(), body: `to be changed ${i}` });
        ids.push(a.data!.message!.id);
      }
      return ids;
    }),
  );
  const droppers = population.members.map((g) => g.slice(1));
  const syncs = droppers.map((group, r) => group.map((c) => new RoomSync(socketTransport(c.socket as never), population.rooms[r]!.slug, { retryDelayMs: 100 }).start()));
  const flat = syncs.flat();
  for (let deadline = Date.now() + 60_000; !flat.every((s) => s.get().phase === "joined" && s.get().log.confirmed.length === 10); ) {
    if (Date.now() > deadline) throw new Error("RoomSync never joined");
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const c of droppers.flat()) {
    c.socket.io.reconnection(false);
    c.socket.io.engine.close();
  }
  // While they are away: edits, and reactions added and taken back (each one a change), on
  // every room at once.
  const last = await Promise.all(
    talkers.map(async (t, r) => {
      let cseq = 0;
      const reacted = new Set<string>();
      for (let i = 0; i < changesPerRoom; i++) {
        const messageId = targets[r]![i % 10]!;
        const edit = i % 2 === 0;
        const event = edit ? "message:edit" : reacted.has(messageId) ? "reaction:remove" : "reaction:add";
        if (!edit) void (reacted.has(messageId) ? reacted.delete(messageId) : reacted.add(messageId));
        const a = await request(t.socket, event, { roomId: population.rooms[r]!.id, messageId, clientChangeId: randomUUID(), ...(edit ? { body: `edit ${i}` } : { emoji: "👍" }) });
        if (!a.data?.change) throw new Error(`change ${i} in room ${r} was not applied: ${JSON.stringify(a)}`);
        cseq = a.data.change.cseq;
      }
      return cseq;
    }),
  );
  const started = performance.now();
  for (const c of droppers.flat()) {
    c.socket.io.reconnection(true);
    c.socket.connect();
  }
  const done = () => syncs.every((group, r) => group.every((s) => s.get().phase === "joined" && !s.get().stale && s.get().log.changeCursor === last[r]));
  for (const deadline = performance.now() + 60_000; !done() && performance.now() < deadline; ) await new Promise((r) => setTimeout(r, 5));
  const ms = done() ? performance.now() - started : NaN;
  const behind = syncs.reduce((n, group, r) => n + group.filter((s) => s.get().log.changeCursor !== last[r]).length, 0);
  for (const s of flat) s.close();
  closeAll(population);
  await server.stop();
  return { ms, behind, clients: flat.length, changes: last.reduce((a, b) => a + b, 0) };
}

export async function changes(smoke: boolean): Promise<Row[]> {
  const mixed = await mixedLoad(smoke);
  const rejoin = await rejoinAfterChanges(smoke);
  const m = `mixed load 1×${mixed.perRoom} (${mixed.rate}/s: 60 % sends, 20 % edits, 20 % reactions)`;
  const r = `rejoin after ${rejoin.changes.toLocaleString("en-US")} changes (${rejoin.clients.toLocaleString("en-US")} clients)`;
  return [
    { scenario: m, metric: "changes applied", unit: "", parley: mixed.expected },
    {
      scenario: m,
      metric: "members who heard every change once, in order",
      unit: "",
      parley: mixed.exact,
      target: { text: `all ${mixed.members}`, met: mixed.exact === mixed.members && mixed.expected > 0 },
      correctness: true,
    },
    { scenario: m, metric: "send ack p99", unit: "ms", parley: mixed.sendP99 },
    { scenario: m, metric: "edit ack p99", unit: "ms", parley: mixed.editP99 },
    { scenario: m, metric: "reaction ack p99", unit: "ms", parley: mixed.reactP99 },
    { scenario: m, metric: "server CPU", unit: "%", parley: mixed.cpu },
    { scenario: r, metric: "all back and caught up", unit: "ms", parley: rejoin.ms, target: { text: "< 2 s", met: rejoin.ms < 2000 } },
    { scenario: r, metric: "clients behind afterwards", unit: "", parley: rejoin.behind, target: { text: "0", met: rejoin.behind === 0 }, correctness: true },
  ];
}
