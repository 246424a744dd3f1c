/**
 * Parley's delivery promise, end to end in Node: the browser's Outbox and RoomSync on real
 * socket.io-client sockets against the real server, through crashes, long absences and
 * lost acknowledgements.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { UserSummary } from "./contract/model";
import { chatClient, eventually, type ChatClient } from "./test/chat-client";
import { freePort, NodeProcess } from "./test/node-process";
import { collect, freshDatabaseUrl, sleep, startTestServer, withDatabase, type TestServer } from "./test/harness";

const clients: ChatClient[] = [];
let server: TestServer | undefined;
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  server = undefined;
});

async function guest(url: string, name: string): Promise<{ cookie: string; user: UserSummary }> {
  const res = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ displayName: name }),
  });
  return { cookie: res.headers.get("set-cookie")!.split(";")[0]!, user: ((await res.json()) as { user: UserSummary }).user };
}

async function client(url: string, name: string, options?: Parameters<typeof chatClient>[2]) {
  const c = await chatClient(url, await guest(url, name), options);
  clients.push(c);
  return c;
}

async function createRoom(c: ChatClient, name: string) {
  const ack = await c.transport.request("room:create", { name });
  if (!ack.ok) throw new Error(ack.error.message);
  return ack.data.room;
}

const seqsOf = (c: { get(): { log: { confirmed: { seq: number }[] } } }) => c.get().log.confirmed.map((m) => m.seq);

describe("crash", () => {
  let crashable: NodeProcess | undefined;
  afterEach(async () => {
    await crashable?.stop();
  });

  it("20 clients × 50 messages through two SIGKILLs: every message stored once, in each sender's order, every view equal to the database", async () => {
    const databaseUrl = await freshDatabaseUrl();
    crashable = new NodeProcess(await freePort(), databaseUrl);
    await crashable.start();
    const url = crashable.url;

    const senders = await Promise.all(Array.from({ length: 20 }, (_, i) => client(url, `Sender ${i}`, { ackTimeoutMs: 1500 })));
    const room = await createRoom(senders[0]!, "Crash Site");
    const views = senders.map((c) => c.room(room.slug));
    await eventually(() => views.every((v) => v.get().phase === "joined"), "all joined");

    const total = () => senders.reduce((n, c) => n + c.delivered.length, 0);
    const kills: number[] = [];
    let restarting: Promise<void> | undefined;
    const killAt = (threshold: number) => {
      const check = () => {
        if (kills.length < 2 && total() >= threshold && !kills.includes(threshold)) {
          kills.push(threshold);
          crashable!.kill();
          restarting = sleep(300).then(() => crashable!.start());
        }
      };
      for (const c of senders) c.outbox.delivered.subscribe(check);
    };
    killAt(250);
    killAt(650);

    const typed = senders.map((c, i) => Array.from({ length: 50 }, (_, k) => `s${i}-m${k}`));
    for (const [i, c] of senders.entries()) for (const body of typed[i]!) await c.outbox.add(room.id, body);

    await eventually(() => kills.length === 2, "two kills", 60_000);
    await restarting;
    await eventually(() => senders.every((c) => c.outbox.get().length === 0), "all outboxes drained", 60_000);
    await eventually(
      () => views.every((v) => v.get().log.confirmed.length === 1000 && !v.get().stale),
      "every view caught up",
      30_000,
    );

    const rows = (
      await withDatabase(databaseUrl, (db) =>
        db.message.findMany({ where: { roomId: room.id }, orderBy: { seq: "asc" }, include: { author: { select: { name: true } } } }),
      )
    ).map((m) => ({ ...m, author: m.author.name }));

    // All 1,000 stored once, numbered 1..1000 with no hole.
    expect(rows).toHaveLength(1000);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.body)).size).toBe(1000);
    // Every acknowledged message is in the database, exactly as acknowledged.
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const c of senders) for (const m of c.delivered) expect(byId.get(m.id)?.seq).toBe(m.seq);
    // Each sender's messages in the order they were typed.
    for (const [i] of senders.entries()) {
      expect(rows.filter((r) => r.author === `Sender ${i}`).map((r) => r.body)).toEqual(typed[i]);
    }
    // Every client's view equals the database, in sequence order.
    const dbView = rows.map((r) => `${r.seq}:${r.id}`);
    for (const v of views) expect(v.get().log.confirmed.map((m) => `${m.seq}:${m.id}`)).toEqual(dbView);
    expect(kills).toEqual([250, 650]);
  }, 120_000);
});

describe("long absence", () => {
  for (const [label, windowMs, awayMs, recovered] of [
    ["longer than the recovery window", 300, 1500, false],
    ["within the recovery window", 10_000, 1500, true],
  ] as const) {
    it(`a client away ${label} shows all 200 messages it missed, once, in order`, async () => {
      server = await startTestServer({ recoveryWindowMs: windowMs });
      const ada = await client(server.url, "Ada");
      const room = await createRoom(ada, "Waiting Room");
      const bob = await client(server.url, "Bob");
      const bobView = bob.room(room.slug);
      await eventually(() => bobView.get().phase === "joined", "bob joined");
      await ada.outbox.add(room.id, "before");
      await eventually(() => seqsOf(bobView).length === 1, "bob saw the first message");

      // Bob's network drops (not a clean close) and stays down until Ada's 200 messages are
      // stored and `awayMs` has passed, however long storing them takes on a busy machine;
      // then Socket.IO reconnects as it would by itself.
      const back = new Promise<boolean>((resolve) => bob.socket.once("connect", () => resolve(bob.socket.recovered)));
      bob.socket.io.reconnection(false);
      const droppedAt = Date.now();
      bob.socket.io.engine.close();
      for (let i = 1; i <= 200; i++) await ada.outbox.add(room.id, `missed ${i}`);
      await eventually(() => ada.outbox.get().length === 0, "ada's messages stored");
      expect(seqsOf(bobView)).toEqual([1]);
      await sleep(Math.max(0, droppedAt + awayMs - Date.now()));
      bob.socket.io.reconnection(true);
      bob.socket.connect();

      expect(await back).toBe(recovered);
      await eventually(() => seqsOf(bobView).length === 201 && !bobView.get().stale, "bob caught up", 10_000);
      expect(seqsOf(bobView)).toEqual(Array.from({ length: 201 }, (_, i) => i + 1));
      expect(bobView.get().log.confirmed.slice(1).map((m) => m.body)).toEqual(
        Array.from({ length: 200 }, (_, i) => `missed ${i + 1}`),
      );
    }, 30_000);
  }
});

describe("order", () => {
  it("one sender, 1,000 messages with lost acks and dropped connections: receivers see strictly increasing seqs in the sender's order", async () => {
    server = await startTestServer();
    let sends = 0;
    // Every 9th acknowledgement is lost, so the outbox resends under the same clientId.
    const sender = await client(server.url, "Sender", { lossy: () => ++sends % 9 === 0, ackTimeoutMs: 2000 });
    const room = await createRoom(sender, "Queue");
    const receivers = [await client(server.url, "R1"), await client(server.url, "R2")];
    const views = receivers.map((r) => r.room(room.slug));
    await eventually(() => views.every((v) => v.get().phase === "joined"), "receivers joined");
    const streams = receivers.map((r) => collect(r.socket, "message:created"));

    const bodies = Array.from({ length: 1000 }, (_, i) => `n${i}`);
    for (const body of bodies) await sender.outbox.add(room.id, body);
    // Cut the sender's connection a few times mid-stream.
    for (const at of [200, 500, 800]) {
      await eventually(() => sender.delivered.length >= at, `${at} delivered`);
      sender.socket.io.engine.close();
    }
    await eventually(() => sender.outbox.get().length === 0, "sender drained", 60_000);
    await eventually(() => views.every((v) => v.get().log.confirmed.length === 1000), "receivers complete");

    expect(sends).toBeGreaterThan(1000); // retries happened
    for (const [i, stream] of streams.entries()) {
      const seqs = stream.map((m) => m.seq);
      for (let k = 1; k < seqs.length; k++) expect(seqs[k]!).toBeGreaterThan(seqs[k - 1]!);
      expect(stream.map((m) => m.body)).toEqual(bodies);
      expect(views[i]!.get().log.confirmed.map((m) => m.body)).toEqual(bodies);
    }
  }, 90_000);
});

describe("a backlog within the real rate limits", () => {
  it("40 messages written offline all arrive, none refused, because the outbox paces itself", async () => {
    server = await startTestServer({ security: { rateLimitScale: 1 } });
    const ada = await client(server.url, "Ada", { pace: "default" });
    const room = await createRoom(ada, "Backlog");
    ada.socket.disconnect();
    for (let i = 1; i <= 40; i++) await ada.outbox.add(room.id, `offline ${i}`);
    ada.socket.connect();
    await eventually(() => ada.outbox.get().length === 0, "backlog drained", 40_000);
    expect(ada.delivered.map((m) => m.body)).toEqual(Array.from({ length: 40 }, (_, i) => `offline ${i + 1}`));
    expect(ada.outbox.get().filter((e) => e.status === "failed")).toEqual([]);
  }, 60_000);
});
