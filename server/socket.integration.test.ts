import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { io as connect } from "socket.io-client";
import WebSocket from "ws";
import type { RoomSummary } from "./contract/model";
import { PRESENCE_MIN_INTERVAL_MS } from "./realtime/hub";
import { collect, nextEvent, sleep, startTestServer, type ClientSocket, type TestServer } from "./test/harness";

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

async function roomWith(name = "General"): Promise<{ ada: ClientSocket; room: RoomSummary; cookie: string }> {
  const { cookie } = await server.guest("Ada");
  const ada = await server.socket(cookie);
  const created = await ada.emitWithAck("room:create", { name });
  if (!created.ok) throw new Error(created.error.message);
  return { ada, room: created.data.room, cookie };
}

describe("HTTP", () => {
  beforeEach(async () => {
    server = await startTestServer();
  });

  it("GET /healthz answers 200 when the database is ready", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("issues an HttpOnly, SameSite=Lax session cookie and knows who it belongs to", async () => {
    const res = await fetch(`${server.url}/api/session`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ displayName: "Ada" }),
    });
    expect(res.status).toBe(201);
    const setCookie = res.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^parley\.session_token=[^;]{40,};/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    const me = await fetch(`${server.url}/api/session`, { headers: { cookie: setCookie.split(";")[0]! } });
    expect(await me.json()).toEqual({ user: { id: expect.any(String), name: "Ada" }, account: { guest: true, username: null } });
    expect((await fetch(`${server.url}/api/session`)).status).toBe(401);
  });

  it("answers bad sign-in requests with a clear error", async () => {
    const post = (body: string, type = "application/json") =>
      fetch(`${server.url}/api/session`, { method: "POST", headers: { "Content-Type": type }, body });
    const empty = await post(JSON.stringify({ displayName: "  " }));
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({ error: { code: "invalid_payload", message: "Pick a display name" } });
    expect((await post("{not json")).status).toBe(400);
    expect((await post("displayName=x", "text/plain")).status).toBe(415);
    expect((await post(JSON.stringify({ displayName: "x".repeat(10_000) }))).status).toBe(413);
    expect((await fetch(`${server.url}/api/session`, { method: "PUT" })).status).toBe(405);
  });

  it("keeps control and bidi override characters out of display names and room names", async () => {
    const res = await fetch(`${server.url}/api/session`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      // A right-to-left override would show "Evil\u202Egpj.exe" as "Evilexe.jpg" and reorder what follows it.
      body: JSON.stringify({ displayName: "Evil\u202Egpj.exe\u0007\u2066" }),
    });
    expect(res.status).toBe(201);
    const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
    const me = (await (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json()) as { user: { name: string } };
    expect(me.user.name).toBe("Evilgpj.exe");
    const onlyControls = await fetch(`${server.url}/api/session`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ displayName: "\u202E\u202D" }) });
    expect(onlyControls.status).toBe(400);

    const socket = await server.socket(cookie);
    const created = await socket.emitWithAck("room:create", { name: "Tea\u202E\ttime\u2069" });
    expect(created.ok && created.data.room.name).toBe("Tea time");
    // Joiners (emoji sequences) and direction marks are part of names and stay.
    const family = await socket.emitWithAck("room:create", { name: "\u200Fעברית 👩\u200D👩\u200D👧" });
    expect(family.ok && family.data.room.name).toBe("\u200Fעברית 👩\u200D👩\u200D👧");
  });
});

describe("handshake", () => {
  beforeEach(async () => {
    server = await startTestServer();
  });

  const refusal = (cookie?: string) =>
    new Promise<{ message: string; data?: unknown }>((resolve, reject) => {
      const s = connect(server.url, {
        extraHeaders: cookie ? { cookie } : {},
        transports: ["websocket"],
        reconnection: false,
        forceNew: true,
      });
      s.on("connect", () => {
        s.close();
        reject(new Error("connected without a valid session"));
      });
      s.on("connect_error", (err) => {
        s.close();
        resolve(err as Error & { data?: unknown });
      });
    });

  it("refuses a socket without a session, or with an unknown one", async () => {
    for (const cookie of [undefined, "parley_session=forged", "other=1"]) {
      const err = await refusal(cookie);
      expect(err.message).toBe("unauthorized");
      expect(err.data).toMatchObject({ code: "unauthorized" });
    }
  });

  it("refuses a tab opened for someone else than the cookie's person, so that their outbox is not sent as this one", async () => {
    const { cookie, user } = await server.guest("Bea");
    const ada = await server.guest("Ada");
    const opened = (auth: Record<string, unknown>) =>
      new Promise<{ connected: true } | { message: string; data?: unknown }>((resolve) => {
        const s = connect(server.url, { extraHeaders: { cookie }, auth, transports: ["websocket"], reconnection: false, forceNew: true });
        s.on("connect", () => {
          s.close();
          resolve({ connected: true });
        });
        s.on("connect_error", (err) => {
          s.close();
          resolve(err as Error & { data?: unknown });
        });
      });
    const refused = await opened({ user: ada.user.id });
    expect(refused).toMatchObject({ message: "unauthorized", data: { code: "unauthorized", message: expect.stringContaining("Someone else has signed in") } });
    expect(await opened({ user: user.id })).toEqual({ connected: true });
    // A script that names nobody, or names something that is not an id, is asked for its cookie only.
    expect(await opened({})).toEqual({ connected: true });
    expect(await opened({ user: 42 })).toEqual({ connected: true });
  });

  it("signing out closes that session's sockets and refuses it afterwards", async () => {
    const { cookie } = await server.guest("Ada");
    const socket = await server.socket(cookie);
    const closed = new Promise<string>((resolve) => socket.on("disconnect", resolve));
    const res = await fetch(`${server.url}/api/session`, { method: "DELETE", headers: { cookie } });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toContain("Max-Age=0");
    expect(await closed).toBe("io server disconnect");
    expect((await refusal(cookie)).message).toBe("unauthorized");
  });
});

describe("rooms and messages", () => {
  beforeEach(async () => {
    server = await startTestServer();
  });

  it("announces a new room to every connected client and lists it", async () => {
    const { cookie } = await server.guest("Bob");
    const bob = await server.socket(cookie);
    const announced = nextEvent(bob, "room:created");
    const { ada, room } = await roomWith("Book Club");
    expect(await announced).toEqual(room);
    expect(room.slug).toBe("book-club");
    const list = await ada.emitWithAck("room:list", {});
    expect(list).toEqual({ ok: true, data: { rooms: [room] } });
  });

  it("joins, sends, acknowledges after commit and broadcasts to everyone in the room", async () => {
    const { ada, room } = await roomWith();
    const { cookie } = await server.guest("Bob");
    const bob = await server.socket(cookie);
    const outsider = await server.socket((await server.guest("Eve")).cookie);
    const outsiderSaw = collect(outsider, "message:created");
    expect(await ada.emitWithAck("room:join", { slug: room.slug })).toMatchObject({ ok: true });
    const joined = await bob.emitWithAck("room:join", { slug: room.slug });
    expect(joined).toMatchObject({ ok: true, data: { room, history: { messages: [], hasMore: false }, typing: [] } });
    // The joiner sees who is here in the answer itself: Ada, and now Bob.
    expect(joined.ok && joined.data.online.map((u) => u.name).sort()).toEqual(["Ada", "Bob"]);

    const bobHears = nextEvent(bob, "message:created");
    const clientId = randomUUID();
    const ack = await ada.emitWithAck("message:send", { roomId: room.id, clientId, body: "hello <b>bob</b>" });
    expect(ack).toMatchObject({ ok: true, data: { duplicate: false, message: { seq: 1, clientId, body: "hello <b>bob</b>" } } });
    expect(await bobHears).toEqual(ack.ok && ack.data.message);
    await sleep(100);
    expect(outsiderSaw).toEqual([]);
  });

  it("stores a resend of the same clientId once and does not broadcast it again", async () => {
    const { ada, room } = await roomWith();
    await ada.emitWithAck("room:join", { slug: room.slug });
    const heard = collect(ada, "message:created");
    const clientId = randomUUID();
    const first = await ada.emitWithAck("message:send", { roomId: room.id, clientId, body: "once" });
    const second = await ada.emitWithAck("message:send", { roomId: room.id, clientId, body: "once" });
    expect(second).toEqual({ ok: true, data: { duplicate: true, message: first.ok && first.data.message } });
    await sleep(100);
    expect(heard).toHaveLength(1);
    const history = await ada.emitWithAck("message:history", { roomId: room.id });
    expect(history.ok && history.data.messages.map((m) => m.clientId)).toEqual([clientId]);
  });

  it("pages history: latest 50 on join, older pages on demand, catch-up after a seq", async () => {
    const { ada, room } = await roomWith();
    for (let i = 1; i <= 120; i++) {
      const ack = await ada.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: `m${i}` });
      expect(ack.ok).toBe(true);
    }
    const seqs = (ms: { seq: number }[]) => [ms[0]!.seq, ms.at(-1)!.seq, ms.length];
    const joined = await ada.emitWithAck("room:join", { slug: room.slug });
    if (!joined.ok) throw new Error("join failed");
    expect(seqs(joined.data.history.messages)).toEqual([71, 120, 50]);
    expect(joined.data.history.hasMore).toBe(true);
    const older = await ada.emitWithAck("message:history", { roomId: room.id, before: 71 });
    expect(older.ok && [seqs(older.data.messages), older.data.hasMore]).toEqual([[21, 70, 50], true]);
    const oldest = await ada.emitWithAck("message:history", { roomId: room.id, before: 21 });
    expect(oldest.ok && [seqs(oldest.data.messages), oldest.data.hasMore]).toEqual([[1, 20, 20], false]);
    const after = await ada.emitWithAck("message:history", { roomId: room.id, after: 110 });
    expect(after.ok && [seqs(after.data.messages), after.data.hasMore]).toEqual([[111, 120, 10], false]);
    // A rejoin names the last seq it holds and gets what followed, 200 at most.
    const rejoined = await ada.emitWithAck("room:join", { slug: room.slug, after: 100 });
    expect(rejoined.ok && [seqs(rejoined.data.history.messages), rejoined.data.history.hasMore]).toEqual([[101, 120, 20], false]);
    for (let i = 121; i <= 330; i++) await ada.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: `m${i}` });
    const farBehind = await ada.emitWithAck("room:join", { slug: room.slug, after: 5 });
    expect(farBehind.ok && [seqs(farBehind.data.history.messages), farBehind.data.history.hasMore]).toEqual([[6, 205, 200], true]);
    const caughtUp = await ada.emitWithAck("room:join", { slug: room.slug, after: 330 });
    expect(caughtUp.ok && caughtUp.data.history).toEqual({ messages: [], hasMore: false });
    expect(await ada.emitWithAck("room:join", { slug: room.slug, after: -1 })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
  });

  it("refuses a message over 4,000 characters with a clear error and stores nothing", async () => {
    const { ada, room } = await roomWith();
    const ack = await ada.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "x".repeat(4001) });
    expect(ack).toEqual({
      ok: false,
      error: { code: "message_too_long", message: "Messages can be at most 4,000 characters; this one has 4,001." },
    });
    const history = await ada.emitWithAck("message:history", { roomId: room.id });
    expect(history).toEqual({ ok: true, data: { messages: [], hasMore: false } });
  });

  it("answers not_found for a room that does not exist", async () => {
    const { ada } = await roomWith();
    expect(await ada.emitWithAck("room:join", { slug: "nowhere" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(
      await ada.emitWithAck("message:send", { roomId: "nowhere", clientId: randomUUID(), body: "hi" }),
    ).toMatchObject({ ok: false, error: { code: "not_found" } });
  });
});

describe("bad payloads", () => {
  beforeEach(async () => {
    server = await startTestServer();
  });

  it("answers every malformed event with invalid_payload and keeps serving", async () => {
    const { ada, room } = await roomWith();
    const raw = ada as unknown as { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
    const cases: Array<[string, unknown]> = [
      ["room:list", "nope"],
      ["room:create", {}],
      ["room:create", { name: 42 }],
      ["room:join", null],
      ["room:join", { slug: "" }],
      ["room:join", { slug: "general", extra: true }],
      ["room:leave", { roomId: ["x"] }],
      ["message:send", { roomId: room.id, body: "no client id" }],
      ["message:send", { roomId: room.id, clientId: "not-a-uuid", body: "hi" }],
      ["message:send", { roomId: room.id, clientId: randomUUID(), body: { html: "<b>" } }],
      ["message:send", "just a string"],
      ["message:history", { roomId: room.id, before: -1 }],
      ["message:history", { roomId: room.id, before: 5, after: 1 }],
      ["message:history", { roomId: room.id, limit: 10_000 }],
      ["typing:start", { roomId: 7 }],
    ];
    for (const [event, payload] of cases) {
      const ack = await raw.emitWithAck(event, payload);
      expect(ack, `${event} ${JSON.stringify(payload)}`).toMatchObject({
        ok: false,
        error: { code: "invalid_payload", message: expect.stringMatching(/^Invalid payload/) },
      });
    }
    // A callback given in place of the payload still gets an answer.
    expect(await raw.emitWithAck("room:list")).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    // Events without a callback, unknown events and huge-but-allowed junk do not break the socket.
    const untyped = ada as unknown as { emit(e: string, p: unknown): void };
    untyped.emit("message:send", { garbage: true });
    untyped.emit("no:such-event", { x: 1 });
    expect(ada.connected).toBe(true);
    expect(await ada.emitWithAck("room:list", {})).toMatchObject({ ok: true });
  });

  it("closes a connection that sends a frame larger than the limit, storing nothing", async () => {
    const { ada, room } = await roomWith();
    const closed = new Promise<string>((resolve) => ada.on("disconnect", resolve));
    ada.emit("message:send", { roomId: room.id, clientId: randomUUID(), body: "x".repeat(200_000) }, () => {});
    expect(await closed).toBe("transport close");
    const { cookie } = await server.guest("Bob");
    const bob = await server.socket(cookie);
    expect(await bob.emitWithAck("message:history", { roomId: room.id })).toEqual({
      ok: true,
      data: { messages: [], hasMore: false },
    });
  });
});

describe("presence and typing", () => {
  beforeEach(async () => {
    server = await startTestServer();
  });

  it("lists a user with two tabs once, until the last tab leaves", async () => {
    const { ada: adaTab1, room, cookie: adaCookie } = await roomWith();
    const adaTab2 = await server.socket(adaCookie);
    const { cookie: bobCookie, user: bob } = await server.guest("Bob");
    const bobSocket = await server.socket(bobCookie);
    await bobSocket.emitWithAck("room:join", { slug: room.slug });

    const names = (e: { online: { name: string }[] }) => e.online.map((u) => u.name).sort();
    // Lists are coalesced within 50 ms: on a busy machine Bob's own arrival may come as a
    // list of its own first.
    const adaArrives = nextEvent(bobSocket, "presence:changed", (e) => names(e).includes("Ada"));
    await adaTab1.emitWithAck("room:join", { slug: room.slug });
    expect(names(await adaArrives)).toEqual(["Ada", "Bob"]);

    // A second tab of the same user changes nothing for others; the tab itself gets the list.
    const bobEvents = collect(bobSocket, "presence:changed");
    const tab2List = nextEvent(adaTab2, "presence:changed");
    await adaTab2.emitWithAck("room:join", { slug: room.slug });
    expect(names(await tab2List)).toEqual(["Ada", "Bob"]);
    adaTab1.disconnect();
    await sleep(150);
    expect(bobEvents).toEqual([]);

    const adaLeaves = nextEvent(bobSocket, "presence:changed");
    adaTab2.disconnect();
    expect(await adaLeaves).toEqual({ roomId: room.id, online: [bob] });
  });

  it("room:leave removes the user from the list and stops broadcasts to that socket", async () => {
    const { ada, room } = await roomWith();
    const { cookie } = await server.guest("Bob");
    const bob = await server.socket(cookie);
    await ada.emitWithAck("room:join", { slug: room.slug });
    const bothHere = nextEvent(ada, "presence:changed", (e) => e.online.length === 2);
    await bob.emitWithAck("room:join", { slug: room.slug });
    await bothHere;
    const bobLeft = nextEvent(ada, "presence:changed");
    expect(await bob.emitWithAck("room:leave", { roomId: room.id })).toEqual({ ok: true, data: {} });
    expect((await bobLeft).online.map((u) => u.name)).toEqual(["Ada"]);
    const bobHeard = collect(bob, "message:created");
    await ada.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "still there?" });
    await sleep(100);
    expect(bobHeard).toEqual([]);
  });

  it("relays typing to the others in the room, and refuses it outside the room", async () => {
    const { ada, room } = await roomWith();
    const { cookie } = await server.guest("Bob");
    const bob = await server.socket(cookie);
    await ada.emitWithAck("room:join", { slug: room.slug });
    await bob.emitWithAck("room:join", { slug: room.slug });
    const adaSelf = collect(ada, "typing:changed");
    const started = nextEvent(bob, "typing:changed");
    ada.emit("typing:start", { roomId: room.id });
    expect(await started).toMatchObject({ roomId: room.id, user: { name: "Ada" }, typing: true });
    const stopped = nextEvent(bob, "typing:changed");
    ada.emit("typing:stop", { roomId: room.id });
    expect(await stopped).toMatchObject({ typing: false });
    expect(adaSelf).toEqual([]);

    const eve = await server.socket((await server.guest("Eve")).cookie);
    const raw = eve as unknown as { emitWithAck(e: string, p: unknown): Promise<unknown> };
    expect(await raw.emitWithAck("typing:start", { roomId: room.id })).toMatchObject({ ok: false, error: { code: "not_found" } });
  });
});

describe("heartbeat", () => {
  it("drops a peer that stops answering pings from presence, by the heartbeat alone", async () => {
    server = await startTestServer({ heartbeat: { pingInterval: 300, pingTimeout: 200 } });
    const { ada, room } = await roomWith();
    await ada.emitWithAck("room:join", { slug: room.slug });
    const { cookie } = await server.guest("Ghost");

    // A raw Engine.IO peer that joins and then goes silent, like a laptop whose lid closed:
    // it never answers the server's ping ("2") with a pong ("3").
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket`, {
      headers: { cookie },
    });
    ws.on("message", (data) => {
      const frame = data.toString();
      if (frame.startsWith("0")) ws.send("40");
      if (frame.startsWith("40")) ws.send(`421["room:join",{"slug":"${room.slug}"}]`);
    });
    const ghostJoined = await nextEvent(ada, "presence:changed", (e) => e.online.some((u) => u.name === "Ghost"));
    expect(ghostJoined.online).toHaveLength(2);
    // Its socket stays open (the operating system would keep it for minutes): only the
    // heartbeat (300 + 200 ms here) can take the ghost off the list. How fast is the bench's
    // business; the wait below is only long enough for a loaded machine.
    const ghostGone = await nextEvent(ada, "presence:changed", (e) => !e.online.some((u) => u.name === "Ghost"), 10_000);
    expect(ghostGone.online.map((u) => u.name)).toEqual(["Ada"]);
    ws.terminate();
  });
});

describe("shutdown", () => {
  it("close() disconnects clients and stops accepting connections", async () => {
    server = await startTestServer();
    const { ada } = await roomWith();
    const disconnected = new Promise<string>((resolve) => ada.on("disconnect", resolve));
    const url = server.url;
    await server.shutdown();
    expect(await disconnected).toMatch(/transport close|io server disconnect/);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});

describe("order", () => {
  it("stores one sender's messages in the order they were sent, even when sent without waiting", async () => {
    server = await startTestServer();
    const { ada, room } = await roomWith();
    await ada.emitWithAck("room:join", { slug: room.slug });
    const heard = collect(ada, "message:created");
    // 300 sends in flight at once, one of them a resend that takes the slower duplicate path.
    const repeated = randomUUID();
    await ada.emitWithAck("message:send", { roomId: room.id, clientId: repeated, body: "m-first" });
    const sends = Array.from({ length: 300 }, (_, i) =>
      ada.emitWithAck("message:send", { roomId: room.id, clientId: i === 5 ? repeated : randomUUID(), body: `m${i}` }),
    );
    const acks = await Promise.all(sends);
    expect(acks.every((a) => a.ok)).toBe(true);
    const seqs = acks.map((a) => (a.ok ? a.data.message.seq : -1));
    const fresh = seqs.filter((_, i) => i !== 5);
    expect(fresh).toEqual([...fresh].sort((a, b) => a - b));
    expect(seqs[5]).toBe(1);
    await sleep(100);
    expect(heard.map((m) => m.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });
});

describe("serialQueue", () => {
  it("runs tasks one at a time in call order and survives a failing task", async () => {
    const { serialQueue } = await import("./realtime/serial-queue");
    const queue = serialQueue();
    const log: string[] = [];
    const task = (name: string, ms: number, fail = false) => async () => {
      log.push(`start ${name}`);
      await sleep(ms);
      log.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([queue(task("a", 30)), queue(task("b", 1, true)), queue(task("c", 1))]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });
});

describe("presence under a crowd", () => {
  it("twenty people joining at once reach an observer as a few paced lists, the last one complete", async () => {
    server = await startTestServer();
    const ada = await server.socket((await server.guest("Ada")).cookie);
    const created = await ada.emitWithAck("room:create", { name: "Crowded" });
    if (!created.ok) throw new Error(created.error.message);
    const { room } = created.data;
    await ada.emitWithAck("room:join", { slug: room.slug });
    await sleep(150);
    const lists = collect(ada, "presence:changed");
    // When the server sent each list (its adapter's broadcast): arrival times at a client
    // carry each delivery's own delay, which on a busy machine makes two lists sent 250 ms
    // apart arrive 240 ms apart.
    const times: number[] = [];
    const adapter = server.io.of("/").adapter;
    const broadcast = adapter.broadcast.bind(adapter);
    adapter.broadcast = (packet, opts) => {
      if ((packet as { data?: unknown[] }).data?.[0] === "presence:changed") times.push(performance.now());
      broadcast(packet, opts);
    };
    const crowd = await Promise.all(Array.from({ length: 20 }, async (_, i) => server.socket((await server.guest(`Guest ${i}`)).cookie)));
    await Promise.all(crowd.map((s) => s.emitWithAck("room:join", { slug: room.slug })));
    await expect.poll(() => lists.at(-1)?.online.length, { timeout: 2000 }).toBe(21);
    await sleep(PRESENCE_MIN_INTERVAL_MS + 100);
    expect(lists.length).toBeLessThan(20);
    // Paced: the server sent consecutive lists at least the minimum interval apart (less a timer's slack).
    expect(times).toHaveLength(lists.length);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(PRESENCE_MIN_INTERVAL_MS - 2);
  });
});
