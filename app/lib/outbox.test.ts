import { describe, expect, it } from "vitest";
import type { ChatMessage, MessageChange } from "@/server/contract/model";
import { memoryOutboxStorage, Outbox, type OutboxEntry, type OutboxStorage, type OutboxSync } from "./outbox";
import { FakeTransport, settle } from "./testing/fake-transport";

const ada = { id: "ada", name: "Ada" };
let seq = 0;
const stored = (payload: { roomId: string; clientId: string; body: string }): ChatMessage => ({
  id: `id-${payload.clientId}`,
  seq: ++seq,
  author: ada,
  createdAt: new Date().toISOString(),
  ...payload,
});
/** An entry as a test reads it: its text, or the read position. */
const text = (e: OutboxEntry) => (e.kind === "read" ? `read ${e.read.seq}` : e.body);
const ok = (message: ChatMessage, duplicate = false) => ({ ok: true as const, data: { message, duplicate } });

function setup(options: { storage?: OutboxStorage; leader?: boolean; transport?: FakeTransport; sync?: OutboxSync } = {}) {
  const transport = options.transport ?? new FakeTransport();
  const storage = options.storage ?? memoryOutboxStorage();
  let n = 0;
  const outbox = new Outbox({
    author: ada,
    transport,
    storage,
    sync: options.sync,
    leader: options.leader ?? true,
    retryDelay: () => 5,
    newId: () => `c${++n}-${Math.random().toString(36).slice(2, 6)}`,
  });
  const delivered: ChatMessage[] = [];
  outbox.delivered.subscribe((m) => delivered.push(m));
  return { outbox, transport, storage, delivered };
}

describe("Outbox", () => {
  it("sends entries stored by the previous version, which had no kind: a message, a change to it, a read position", async () => {
    const storage = memoryOutboxStorage();
    const base = { roomId: "r", author: ada, createdAt: new Date(0).toISOString(), status: "pending" as const };
    // As the previous version wrote them to IndexedDB: the kind was told by `op` and `read`.
    const legacy = [
      { ...base, clientId: "m1", order: 1, body: "written offline" },
      { ...base, clientId: "e1", order: 2, body: "edited offline", op: { kind: "edit", targetClientId: "m1" } },
      { ...base, clientId: "r1", order: 3, body: "", read: { seq: 4 } },
    ];
    for (const e of legacy) await storage.put(e as unknown as OutboxEntry);
    const { outbox, transport } = setup({ storage });
    await outbox.start();
    expect(outbox.get().map((e) => e.kind)).toEqual(["message", "change", "read"]);
    const send = transport.take("message:send");
    expect(send.payload).toEqual({ roomId: "r", clientId: "m1", body: "written offline" });
    send.resolve(ok(stored(send.payload)));
    await settle();
    const edit = transport.take("message:edit");
    expect(edit.payload).toEqual({ roomId: "r", messageId: "id-m1", clientChangeId: "e1", body: "edited offline" });
    edit.resolve({ ok: true, data: { change: null, duplicate: false } });
    await settle();
    expect(transport.take("read:mark").payload).toEqual({ roomId: "r", seq: 4 });
    outbox.close();
  });

  it("stores before sending, sends one at a time in typed order, and forgets on ack", async () => {
    const { outbox, transport, storage, delivered } = setup();
    await outbox.start();
    const a = await outbox.add("r", "first");
    const b = await outbox.add("r", "second");
    expect((await storage.load()).map(text)).toEqual(["first", "second"]);
    expect(outbox.get().map((e) => e.status)).toEqual(["pending", "pending"]);

    // Only the first is in flight: the second waits for its ack.
    expect(transport.pending).toHaveLength(1);
    const first = transport.take("message:send");
    expect(first.payload).toEqual({ roomId: "r", clientId: a.clientId, body: "first" });
    first.resolve(ok(stored(first.payload)));
    await settle();
    const second = transport.take("message:send");
    expect(second.payload.clientId).toBe(b.clientId);
    second.resolve(ok(stored(second.payload)));
    await settle();

    expect(outbox.get()).toEqual([]);
    expect(await storage.load()).toEqual([]);
    expect(delivered.map((m) => m.body)).toEqual(["first", "second"]);
  });

  it("holds messages while disconnected and sends them in order on reconnect", async () => {
    const { outbox, transport } = setup();
    transport.disconnect();
    await outbox.start();
    await outbox.add("r", "one");
    await outbox.add("r", "two");
    await settle();
    expect(transport.pending).toHaveLength(0);
    transport.connect();
    await settle();
    const one = transport.take("message:send");
    expect(one.payload.body).toBe("one");
    one.resolve(ok(stored(one.payload)));
    await settle();
    expect(transport.take("message:send").payload.body).toBe("two");
  });

  it("resends the same clientId when the connection drops before the ack, and nothing overtakes it", async () => {
    const { outbox, transport, delivered } = setup();
    await outbox.start();
    const a = await outbox.add("r", "a");
    await outbox.add("r", "b");
    transport.take("message:send"); // sent, but its ack is lost with the connection
    transport.disconnect();
    await settle();
    transport.connect();
    await settle();
    const resend = transport.take("message:send");
    expect(resend.payload.clientId).toBe(a.clientId);
    // The server had stored it: it answers with the stored copy.
    resend.resolve(ok(stored(resend.payload), true));
    await settle();
    const b = transport.take("message:send");
    expect(b.payload.body).toBe("b");
    b.resolve(ok(stored(b.payload)));
    await settle();
    expect(delivered.map((m) => m.body)).toEqual(["a", "b"]);
  });

  it("retries after a timeout or a server error, keeping the head at the head", async () => {
    const { outbox, transport } = setup();
    await outbox.start();
    const a = await outbox.add("r", "a");
    await outbox.add("r", "b");
    transport.take("message:send").resolve({ ok: false, error: { code: "timeout", message: "slow" } });
    await new Promise((r) => setTimeout(r, 20));
    const again = transport.take("message:send");
    expect(again.payload.clientId).toBe(a.clientId);
    again.resolve({ ok: false, error: { code: "internal", message: "db hiccup" } });
    await new Promise((r) => setTimeout(r, 20));
    expect(transport.take("message:send").payload.clientId).toBe(a.clientId);
  });

  it("marks a refused message failed with the reason, carries on, and can retry or discard it", async () => {
    const { outbox, transport, storage } = setup();
    await outbox.start();
    const bad = await outbox.add("r", "x".repeat(5000));
    await outbox.add("r", "fine");
    transport.take("message:send").resolve({ ok: false, error: { code: "message_too_long", message: "Too long." } });
    await settle();
    expect(outbox.get()[0]).toMatchObject({ clientId: bad.clientId, status: "failed", error: "Too long." });
    expect((await storage.load()).find((e) => e.clientId === bad.clientId)?.status).toBe("failed");
    const fine = transport.take("message:send");
    fine.resolve(ok(stored(fine.payload)));
    await settle();

    await outbox.retry(bad.clientId);
    await settle();
    const retried = transport.take("message:send");
    expect(retried.payload.clientId).toBe(bad.clientId);
    retried.resolve({ ok: false, error: { code: "message_too_long", message: "Too long." } });
    await settle();
    await outbox.discard(bad.clientId);
    expect(outbox.get()).toEqual([]);
    expect(await storage.load()).toEqual([]);
  });

  it("survives a reload: a new outbox over the same storage sends what was left", async () => {
    const storage = memoryOutboxStorage();
    const first = setup({ storage });
    first.transport.disconnect();
    await first.outbox.start();
    await first.outbox.add("r", "typed before the reload");
    first.outbox.close();

    const second = setup({ storage });
    await second.outbox.start();
    expect(second.outbox.get().map(text)).toEqual(["typed before the reload"]);
    const sent = second.transport.take("message:send");
    expect(sent.payload.body).toBe("typed before the reload");
  });

  it("a follower tab stores and shows but does not send; the leader sends its messages", async () => {
    const storage = memoryOutboxStorage();
    const listeners = new Set<() => void>();
    const sync: OutboxSync = {
      publish: () => listeners.forEach((l) => l()),
      subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
    };
    const leader = setup({ storage, sync, leader: true });
    const follower = setup({ storage, sync, leader: false });
    await leader.outbox.start();
    await follower.outbox.start();

    await follower.outbox.add("r", "typed in tab two");
    await settle();
    expect(follower.transport.pending).toHaveLength(0);
    const sent = leader.transport.take("message:send");
    expect(sent.payload.body).toBe("typed in tab two");
    sent.resolve(ok(stored(sent.payload)));
    await settle();
    expect(follower.outbox.get()).toEqual([]);

    // The leader tab closes: the follower takes over what is left.
    follower.transport.disconnect();
    await follower.outbox.add("r", "queued while offline");
    leader.outbox.close();
    follower.outbox.setLeader(true);
    follower.transport.connect();
    await settle();
    expect(follower.transport.take("message:send").payload.body).toBe("queued while offline");
  });
});

describe("Outbox read positions", () => {
  const readAck = (roomId: string, seq: number) => ({ ok: true as const, data: { roomId, readSeq: seq, latestSeq: seq } });

  it("reading done offline is stored, survives a reload, and is sent once on reconnect after what was written before it", async () => {
    const storage = memoryOutboxStorage();
    const first = setup({ storage });
    first.transport.disconnect();
    await first.outbox.start();
    await first.outbox.add("r", "written first");
    await first.outbox.read("r", 4);
    // A later position replaces the waiting one; an earlier one changes nothing.
    await first.outbox.read("r", 7);
    await first.outbox.read("r", 5);
    expect((await storage.load()).map(text)).toEqual(["written first", "read 7"]);
    first.outbox.close();

    const { outbox, transport } = setup({ storage });
    const moved: number[] = [];
    outbox.readMoved.subscribe((s) => moved.push(s.readSeq));
    await outbox.start();
    await settle();
    const message = transport.take("message:send");
    expect(message.payload.body).toBe("written first");
    message.resolve(ok(stored(message.payload)));
    await settle();
    const read = transport.take("read:mark");
    expect(read.payload).toEqual({ roomId: "r", seq: 7 });
    read.resolve(readAck("r", 7));
    await settle();
    expect(transport.pending).toHaveLength(0);
    expect(moved).toEqual([7]);
    expect(await storage.load()).toEqual([]);
  });

  it("a position lost with the connection is sent again; one refused is dropped, never shown as failed", async () => {
    const { outbox, transport } = setup();
    await outbox.start();
    await outbox.read("r", 3);
    transport.take("read:mark");
    // A newer position while one is in flight waits behind it, as its own entry.
    await outbox.read("r", 4);
    transport.disconnect();
    await settle();
    transport.connect();
    await settle();
    const again = transport.take("read:mark");
    expect(again.payload).toEqual({ roomId: "r", seq: 3 });
    again.resolve(readAck("r", 3));
    await settle();
    const next = transport.take("read:mark");
    expect(next.payload.seq).toBe(4);
    next.resolve({ ok: false, error: { code: "not_found", message: "That room does not exist." } });
    await settle();
    expect(outbox.get()).toEqual([]);
  });

  it("read positions do not count against the message pace", async () => {
    const transport = new FakeTransport();
    const outbox = new Outbox({ author: ada, transport, storage: memoryOutboxStorage(), pace: { points: 1, windowMs: 60_000 } });
    await outbox.start();
    await outbox.add("r", "one");
    const one = transport.take("message:send");
    one.resolve(ok(stored(one.payload)));
    await settle();
    await outbox.read("r", 1);
    await settle();
    expect(transport.take("read:mark").payload).toEqual({ roomId: "r", seq: 1 });
  });
});

describe("Outbox pacing", () => {
  it("sends no more than its pace allows, and the rest when the window moves on", async () => {
    const transport = new FakeTransport();
    const outbox = new Outbox({ author: ada, transport, storage: memoryOutboxStorage(), pace: { points: 2, windowMs: 60 } });
    await outbox.start();
    for (const body of ["one", "two", "three"]) await outbox.add("r", body);
    for (const body of ["one", "two"]) {
      const sent = transport.take("message:send");
      expect(sent.payload.body).toBe(body);
      sent.resolve(ok(stored(sent.payload)));
      await settle();
    }
    expect(transport.pending).toHaveLength(0); // "three" waits for the window
    await new Promise((r) => setTimeout(r, 80));
    expect(transport.take("message:send").payload.body).toBe("three");
  });
});

describe("Outbox ids", () => {
  it("gives each message a time-ordered clientId (UUIDv7), later ones sorting after earlier ones", async () => {
    const outbox = new Outbox({ author: ada, transport: new FakeTransport(), storage: memoryOutboxStorage() });
    await outbox.start();
    for (const body of ["one", "two", "three"]) await outbox.add("r", body);
    const ids = outbox.get().map((e) => e.clientId);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
  });

  describe("changes", () => {
    const changeAck = (payload: { roomId: string; messageId: string; clientChangeId: string }, kind: MessageChange["kind"], cseq: number) => ({
      ok: true as const,
      data: {
        duplicate: false,
        change: { ...payload, cseq, messageSeq: 1, actor: ada, kind, createdAt: new Date().toISOString() } as MessageChange,
      },
    });

    it("edits and reactions made offline go out once each on reconnect, in order after the message they touch", async () => {
      const { outbox, transport, storage } = setup();
      await outbox.start();
      transport.disconnect();
      const message = await outbox.add("r", "helo");
      await outbox.react({ roomId: "r", messageId: "m-old", clientId: "c-old" }, "👍", true);
      await outbox.edit({ roomId: "r", messageId: "m-old", clientId: "c-old" }, "fixed");
      // A message still waiting is rewritten in place, not edited after it is sent.
      await outbox.edit({ roomId: "r", clientId: message.clientId }, "hello");
      expect(outbox.get().map((e) => [e.kind === "change" ? e.op.kind : e.kind, text(e)])).toEqual([["message", "hello"], ["react", ""], ["edit", "fixed"]]);
      expect(await storage.load()).toHaveLength(3);
      const changed: MessageChange[] = [];
      outbox.changed.subscribe((c) => changed.push(c));

      transport.connect();
      const send = transport.take("message:send");
      expect(send.payload.body).toBe("hello");
      send.resolve(ok(stored(send.payload)));
      await settle();
      const react = transport.take("reaction:add");
      expect(react.payload).toMatchObject({ roomId: "r", messageId: "m-old", emoji: "👍" });
      // The connection drops before the answer: sent again with the same clientChangeId.
      transport.disconnect();
      await settle();
      transport.connect();
      await settle();
      const again = transport.take("reaction:add");
      expect(again.payload.clientChangeId).toBe(react.payload.clientChangeId);
      again.resolve(changeAck(again.payload, "react", 1));
      await settle();
      const edit = transport.take("message:edit");
      expect(edit.payload).toMatchObject({ messageId: "m-old", body: "fixed" });
      edit.resolve(changeAck(edit.payload, "edit", 2));
      await settle();
      expect(outbox.get()).toEqual([]);
      expect(changed.map((c) => c.cseq)).toEqual([1, 2]);
      expect(transport.pending).toEqual([]);
    });

    it("a change to the message being sent waits for its acknowledgement and takes its server id", async () => {
      const { outbox, transport } = setup();
      await outbox.start();
      const message = await outbox.add("r", "typo");
      const send = transport.take("message:send"); // in flight
      await outbox.edit({ roomId: "r", clientId: message.clientId }, "no typo");
      expect(outbox.get().map((e) => (e.kind === "change" ? e.op.targetClientId : undefined))).toEqual([undefined, message.clientId]);
      send.resolve(ok(stored(send.payload)));
      await settle();
      const edit = transport.take("message:edit");
      expect(edit.payload).toMatchObject({ messageId: `id-${message.clientId}`, body: "no typo" });
    });

    it("deleting a waiting message discards it and the changes queued for it; nothing is sent", async () => {
      const { outbox, transport, storage } = setup();
      await outbox.start();
      transport.disconnect();
      const message = await outbox.add("r", "oops");
      await outbox.remove({ roomId: "r", clientId: message.clientId });
      expect(outbox.get()).toEqual([]);
      expect(await storage.load()).toEqual([]);
      transport.connect();
      await settle();
      expect(transport.pending).toEqual([]);
    });

    it("a refused change is marked failed with the reason, and the queue carries on", async () => {
      const { outbox, transport } = setup();
      await outbox.start();
      await outbox.edit({ roomId: "r", messageId: "someone-elses", clientId: "x" }, "mine now");
      await outbox.react({ roomId: "r", messageId: "m1", clientId: "y" }, "🎉", true);
      transport.take("message:edit").resolve({ ok: false, error: { code: "forbidden", message: "You can only edit your own messages." } });
      await settle();
      expect(outbox.get()[0]).toMatchObject({ status: "failed", error: "You can only edit your own messages." });
      const react = transport.take("reaction:add");
      react.resolve(changeAck(react.payload, "react", 1));
      await settle();
      expect(outbox.get()).toHaveLength(1);
    });
  });
});
