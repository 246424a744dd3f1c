/** The /ws gateway for bots: tokens, the JSON protocol, delivery both ways, heartbeat, bad frames. */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { DEFAULT_BUDGETS } from "./security/rate-limits";
import { TestBot } from "./test/bot-client";
import { nextEvent, sleep, startTestServer, type ClientSocket, type TestServer } from "./test/harness";

let server: TestServer;
const bots: TestBot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) b.close();
  await server?.close();
});

/** An account with a browser socket and a fresh API token. */
async function accountWithToken(name: string) {
  const res = await fetch(`${server.url}/api/account/sign-up`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: `${name.toLowerCase()}_${randomUUID().slice(0, 6)}`, password: "bot password", displayName: name }),
  });
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const socket = await server.socket(cookie);
  const created = await socket.emitWithAck("token:create", { name: "test bot" });
  if (!created.ok) throw new Error(created.error.message);
  return { socket, token: created.data.token, tokenId: created.data.summary.id };
}

async function bot(headers: Record<string, string> = {}) {
  const b = await TestBot.open(server.url, headers);
  bots.push(b);
  return b;
}

async function roomOf(socket: ClientSocket, name = "Bots Welcome") {
  const created = await socket.emitWithAck("room:create", { name });
  if (!created.ok) throw new Error(created.error.message);
  await socket.emitWithAck("room:join", { slug: created.data.room.slug });
  return created.data.room;
}

describe("authentication", () => {
  it("takes one authentication per connection: auth frames sent at once take one place under the caps, given back at close", async () => {
    // Three: the account's browser socket (which made the token) and two bots.
    server = await startTestServer({ security: { rateLimitScale: 1000, maxConnectionsPerUser: 3 } });
    const { token } = await accountWithToken("Robo");
    // Six connections, each sending five auth frames at once, then closing.
    for (let i = 0; i < 6; i++) {
      const b = await bot();
      for (let n = 0; n < 5; n++) b.send({ type: "auth", token });
      await b.next((f) => f.type === "hello");
      b.close();
      await b.closed;
    }
    // Every place came back: two bots may connect at once again.
    const deadline = Date.now() + 5000;
    const open: TestBot[] = [];
    while (open.length < 2) {
      const b = await bot({ authorization: `Bearer ${token}` });
      const first = await b.next((f) => f.type === "hello" || f.type === "error");
      if (first.type === "hello") open.push(b);
      else if (Date.now() > deadline) throw new Error(`still refused: ${JSON.stringify(first)}`);
      else await sleep(50);
    }
    const third = await bot({ authorization: `Bearer ${token}` });
    expect(await third.next((f) => f.type === "error")).toMatchObject({ error: { code: "too_many_connections" } });
  });

  it("takes a token in the Authorization header or in the first frame, and refuses bad ones", async () => {
    server = await startTestServer();
    const { token } = await accountWithToken("Robo");

    const viaHeader = await bot({ authorization: `Bearer ${token}` });
    expect(await viaHeader.next((f) => f.type === "hello")).toMatchObject({ user: { name: "Robo" }, heartbeat: { pingIntervalMs: 30_000 } });

    const viaFrame = await bot();
    viaFrame.send({ type: "auth", token });
    expect(await viaFrame.next((f) => f.type === "hello")).toMatchObject({ user: { name: "Robo" } });

    await expect(TestBot.open(server.url, { authorization: "Bearer prl_forged" })).rejects.toThrow("HTTP 401");

    const wrong = await bot();
    wrong.send({ type: "auth", token: "prl_wrong" });
    expect(await wrong.next((f) => f.type === "error")).toMatchObject({ error: { code: "unauthorized" } });
    expect((await wrong.closed).code).toBe(4401);

    const early = await bot();
    expect(await early.request({ type: "join", room: "anything" })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it("closes a connection that never authenticates, and one whose token is revoked", async () => {
    server = await startTestServer({ gateway: { authTimeoutMs: 300, pingIntervalMs: 200, pongTimeoutMs: 200 } });
    const silent = await bot();
    expect((await silent.closed).code).toBe(4401);

    const { socket, token, tokenId } = await accountWithToken("Robo");
    const revoked = await bot({ authorization: `Bearer ${token}` });
    await revoked.next((f) => f.type === "hello");
    expect(await socket.emitWithAck("token:revoke", { id: tokenId })).toEqual({ ok: true, data: {} });
    expect((await revoked.closed).code).toBe(4401);
    await expect(TestBot.open(server.url, { authorization: `Bearer ${token}` })).rejects.toThrow("HTTP 401");
  });

  it("refuses a foreign Origin, and tokens to guests", async () => {
    server = await startTestServer();
    const { token } = await accountWithToken("Robo");
    await expect(TestBot.open(server.url, { authorization: `Bearer ${token}`, origin: "https://evil.example" })).rejects.toThrow("HTTP 403");
    const guest = await server.socket((await server.guest("Guest")).cookie);
    expect(await guest.emitWithAck("token:create", { name: "nope" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });
});

describe("chatting", () => {
  it("joins, sends with an ack after commit, and bots and browsers hear each other", async () => {
    server = await startTestServer();
    const { socket: human } = await accountWithToken("Human");
    const { token } = await accountWithToken("Robo");
    const room = await roomOf(human);
    const b = await bot({ authorization: `Bearer ${token}` });
    await b.next((f) => f.type === "hello");

    const joined = await b.request({ type: "join", room: room.slug });
    expect(joined).toMatchObject({ ok: true, data: { room: { id: room.id }, history: { messages: [], hasMore: false } } });

    const browserHears = nextEvent(human, "message:created");
    const clientId = randomUUID();
    const sent = await b.request({ type: "send", roomId: room.id, clientId, body: "beep boop" });
    expect(sent).toMatchObject({ ok: true, data: { duplicate: false, message: { seq: 1, clientId, body: "beep boop" } } });
    expect(await browserHears).toEqual(sent.data.message);

    const botHears = b.next((f) => f.type === "message" && (f.message as { body: string }).body === "hello bot");
    await human.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "hello bot" });
    expect(await botHears).toMatchObject({ message: { seq: 2, author: { name: "Human" } } });

    // Typing and presence cross too.
    const typing = nextEvent(human, "typing:changed");
    b.send({ type: "typing", roomId: room.id, typing: true });
    expect(await typing).toMatchObject({ roomId: room.id, typing: true });
    const botTyping = b.next((f) => f.type === "typing");
    human.emit("typing:start", { roomId: room.id });
    expect(await botTyping).toMatchObject({ roomId: room.id, typing: true });
  });

  it("speaks the contract's request names too: the frame's other fields are the payload, validated whole", async () => {
    server = await startTestServer();
    const { socket: human } = await accountWithToken("Human");
    const { token } = await accountWithToken("Robo");
    const room = await roomOf(human);
    const b = await bot({ authorization: `Bearer ${token}` });
    await b.next((f) => f.type === "hello");

    expect(await b.request({ type: "room:join", slug: room.slug })).toMatchObject({ ok: true, data: { room: { id: room.id } } });
    const first = await b.request({ type: "message:send", roomId: room.id, clientId: randomUUID(), body: "by its contract name" });
    expect(first).toMatchObject({ ok: true, data: { message: { seq: 1, body: "by its contract name" } } });
    // The alias passes the whole payload on too (a reply's `replyTo` included).
    const reply = await b.request({ type: "send", roomId: room.id, clientId: randomUUID(), body: "a reply", replyTo: first.data.message.id });
    expect(reply).toMatchObject({ ok: true, data: { message: { seq: 2, replyTo: { id: first.data.message.id } } } });
    expect(await b.request({ type: "reaction:add", roomId: room.id, messageId: first.data.message.id, clientChangeId: randomUUID(), emoji: "👍" })).toMatchObject({
      ok: true,
      data: { change: { kind: "react", emoji: "👍" } },
    });
    // Validated by the contract's schema: a missing field and a field it does not know are refused, with the ref.
    expect(await b.request({ type: "message:send", roomId: room.id, body: "no clientId" })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect(await b.request({ type: "message:send", roomId: room.id, clientId: randomUUID(), body: "x", admin: true })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect(await b.request({ type: "room:create", name: "not a bot's request" })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    // Typing without a ref is fire-and-forget under its contract name as well.
    const typing = nextEvent(human, "typing:changed");
    b.send({ type: "typing:start", roomId: room.id });
    expect(await typing).toMatchObject({ roomId: room.id, typing: true });
    const pong = await b.request({ type: "ping" });
    expect(pong).toMatchObject({ ok: true, data: { pong: true } });
    expect(b.frames.filter((f) => f.type === "error" || (f.type === "ack" && f.ref === undefined))).toEqual([]);
  });

  it("stores a repeated clientId once, and catches up after a reconnect", async () => {
    server = await startTestServer();
    const { socket: human, token } = await accountWithToken("Human");
    const room = await roomOf(human);
    let b = await bot({ authorization: `Bearer ${token}` });
    await b.request({ type: "join", room: room.slug });
    const clientId = randomUUID();
    const first = await b.request({ type: "send", roomId: room.id, clientId, body: "once" });
    const again = await b.request({ type: "send", roomId: room.id, clientId, body: "once" });
    expect(again).toMatchObject({ ok: true, data: { duplicate: true, message: first.data.message } });

    b.close();
    for (let i = 1; i <= 5; i++) await human.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: `while away ${i}` });
    b = await bot({ authorization: `Bearer ${token}` });
    // Rejoining with the last seq it holds, the bot gets what it missed in the join's answer.
    const rejoined = await b.request({ type: "join", room: room.slug, after: first.data.message.seq });
    expect(rejoined.data.history.messages.map((m: { body: string }) => m.body)).toEqual([1, 2, 3, 4, 5].map((i) => `while away ${i}`));
    expect(rejoined.data.history.hasMore).toBe(false);
    const missed = await b.request({ type: "history", roomId: room.id, after: first.data.message.seq + 3 });
    expect(missed.data.messages.map((m: { body: string }) => m.body)).toEqual([4, 5].map((i) => `while away ${i}`));
  });

  it("a bot that goes silent is dropped by the heartbeat and leaves presence", async () => {
    server = await startTestServer({ gateway: { pingIntervalMs: 200, pongTimeoutMs: 200 } });
    const { socket: human } = await accountWithToken("Human");
    const { token } = await accountWithToken("Robo");
    const room = await roomOf(human);
    // A healthy bot first (ws answers pings by itself), in the room; then it goes silent: its
    // socket is paused, so pings go unanswered. Silent from the start, it could be dropped
    // before its arrival was announced (presence is gathered), and the test would wait for
    // a list of two that never comes.
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/ws`, { headers: { authorization: `Bearer ${token}` } });
    const arrived = nextEvent(human, "presence:changed", (e) => e.online.length === 2, 10_000);
    await new Promise((r) => ws.once("open", r));
    ws.send(JSON.stringify({ type: "join", room: room.slug }));
    await arrived;
    ws.pause();
    // The server drops it for a missed pong: nothing here closes it. How soon is the bench's
    // to measure, not a test's (a loaded machine delays every timer).
    const gone = await nextEvent(human, "presence:changed", (e) => e.online.length === 1, 10_000);
    expect(gone.online.map((u) => u.name)).toEqual(["Human"]);
  });
});

describe("bad frames", () => {
  it("answers malformed frames with an error frame and keeps the connection; closes oversized ones", async () => {
    server = await startTestServer();
    const { socket: human, token } = await accountWithToken("Human");
    const room = await roomOf(human);
    const b = await bot({ authorization: `Bearer ${token}` });
    await b.next((f) => f.type === "hello");

    b.send("not json");
    expect(await b.next((f) => f.type === "error")).toMatchObject({ error: { code: "invalid_payload", message: "That frame is not valid JSON." } });
    b.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await b.next((f) => f.type === "error")).toMatchObject({ error: { message: expect.stringContaining("binary") } });
    for (const frame of [{ type: "nope" }, { type: "send", roomId: room.id }, { no: "type" }, [1, 2], { type: "send", roomId: room.id, clientId: "x", body: "hi" }]) {
      b.send(frame);
      expect(await b.next((f) => f.type === "error")).toMatchObject({ error: { code: "invalid_payload" } });
    }
    expect(await b.request({ type: "send", roomId: room.id, clientId: randomUUID(), body: "x".repeat(4001) })).toMatchObject({
      ok: false,
      error: { code: "message_too_long" },
    });
    expect(await b.request({ type: "ping" })).toMatchObject({ ok: true, data: { pong: true } });

    b.send(JSON.stringify({ type: "send", roomId: room.id, clientId: randomUUID(), body: "y".repeat(200_000) }));
    expect((await b.closed).code).toBe(1009);
    await sleep(50);
    const history = await human.emitWithAck("message:history", { roomId: room.id });
    expect(history).toEqual({ ok: true, data: { messages: [], hasMore: false } });
  });
});

describe("budgets after authentication", () => {
  it("pings and repeated auth frames spend the connection's event budget like any request", async () => {
    server = await startTestServer({ security: { rateLimitScale: 1 } });
    const { token } = await accountWithToken("Flooder");
    const b = await bot({ authorization: `Bearer ${token}` });
    await b.next((f) => f.type === "hello");
    const answers = await Promise.all(Array.from({ length: DEFAULT_BUDGETS.eventPerSocket.points + 50 }, () => b.request({ type: "ping" })));
    expect(answers.filter((a) => a.ok)).toHaveLength(DEFAULT_BUDGETS.eventPerSocket.points);
    expect(answers.filter((a) => !a.ok && a.error?.code === "rate_limited").length).toBe(50);
    await sleep(1100); // the per-second budget refills
    expect(await b.request({ type: "auth", token })).toMatchObject({ ok: false, error: { code: "invalid_payload", message: "Already authenticated." } });
  });
});

describe("examples/node-bot.ts", () => {
  it("connects with a token, joins, answers !ping and !echo", async () => {
    server = await startTestServer();
    const { socket: human } = await accountWithToken("Human");
    const { token } = await accountWithToken("NodeBot");
    const room = await roomOf(human, "Node Lab");
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, ["--import", "tsx", "examples/node-bot.ts", `${server.url.replace("http", "ws")}/ws`, room.slug], {
      env: { ...process.env, PARLEY_TOKEN: token },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    try {
      await nextEvent(human, "presence:changed", (e) => e.online.some((u) => u.name === "NodeBot"), 10_000);
      const pong = nextEvent(human, "message:created", (m) => m.author.name === "NodeBot");
      await human.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "!ping" });
      expect((await pong).body).toBe("pong");
      const echo = nextEvent(human, "message:created", (m) => m.author.name === "NodeBot");
      await human.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "!echo round trip" });
      expect((await echo).body).toBe("round trip");
      expect(output).toContain(`joined #${room.slug}`);
      expect(output).toContain("Human: !ping");
    } finally {
      child.kill("SIGKILL");
    }
  }, 20_000);
});

describe("compression", () => {
  it("is off unless configured, and negotiated on /ws when COMPRESSION=deflate", async () => {
    server = await startTestServer();
    const { token } = await accountWithToken("Robo");
    const plain = await bot({ authorization: `Bearer ${token}` });
    expect(plain.ws.extensions).toBe("");
    await server.close();

    server = await startTestServer({ compression: true });
    const { token: token2 } = await accountWithToken("Robo");
    const deflated = await bot({ authorization: `Bearer ${token2}` });
    expect(deflated.ws.extensions).toContain("permessage-deflate");
    expect(await deflated.request({ type: "ping" })).toMatchObject({ ok: true });
  });
});

describe("private rooms", () => {
  it("a bot joins with an invite, and stops hearing the room the moment its owner is removed", async () => {
    server = await startTestServer();
    const { socket: owner } = await accountWithToken("Owner");
    const { token } = await accountWithToken("Robo");
    const created = await owner.emitWithAck("room:create", { name: "Vault", visibility: "private" });
    if (!created.ok) throw new Error("create");
    const room = created.data.room;
    await owner.emitWithAck("room:join", { slug: room.slug });
    const b = await bot({ authorization: `Bearer ${token}` });
    const hello = await b.next((f) => f.type === "hello");

    expect(await b.request({ type: "join", room: room.slug })).toMatchObject({ ok: false, error: { code: "not_found" } });
    const invite = await owner.emitWithAck("room:invite", { roomId: room.id });
    if (!invite.ok) throw new Error("invite");
    expect(await b.request({ type: "join", room: room.slug, invite: invite.data.token })).toMatchObject({ ok: true });

    const left = nextEvent(owner, "presence:changed", (e) => e.online.length === 1);
    await owner.emitWithAck("room:remove-member", { roomId: room.id, userId: (hello.user as { id: string }).id });
    expect(await b.next((f) => f.type === "room_removed")).toEqual({ type: "room_removed", roomId: room.id, until: null, message: "You were removed from this room." });
    await left;
    await owner.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "not for bots" });
    await sleep(100);
    expect(b.frames.filter((f) => f.type === "message")).toEqual([]);
    expect(await b.request({ type: "send", roomId: room.id, clientId: randomUUID(), body: "let me back" })).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
  });
});
