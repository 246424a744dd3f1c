/**
 * Several Parley nodes sharing PostgreSQL and Redis (docs/deploy.md): users on different
 * nodes talk, see each other's presence and typing and share the room directory; a node
 * killed with SIGKILL hands its clients to another through the proxy with nothing lost or
 * doubled; Redis restarting mid-conversation loses no acknowledged message.
 *
 * Runs in the "postgresql" Vitest project (vitest.config.ts), and needs Redis at
 * PARLEY_TEST_REDIS_URL (default redis://127.0.0.1:6379); without it the suite is skipped
 * and says so, or fails under PARLEY_REQUIRE_SERVICES=1 (CI).
 */
import { randomUUID } from "node:crypto";
import { createClient } from "redis";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { io as connect } from "socket.io-client";
import type { PresenceChanged } from "./contract/events";
import type { ChatMessage, UserSummary } from "./contract/model";
import { startProxy, STICKY_COOKIE, type RunningProxy } from "./cluster/proxy";
import { TestBot } from "./test/bot-client";
import { chatClient, eventually, type ChatClient } from "./test/chat-client";
import { TEST_REDIS_URL } from "./test/databases";
import { collect, freshDatabaseUrl, nextEvent, sleep, startTestServer, withDatabase, type ClientSocket, type TestServer } from "./test/harness";
import { freePort, NodeProcess } from "./test/node-process";
import { redisReachable, redisServerInstalled, RedisProcess } from "./test/redis-process";
import { RELAY_MESSAGE_TYPE } from "./realtime/redis-adapter";

const redisUp = await redisReachable(TEST_REDIS_URL);
if (!redisUp) {
  const message = `Redis is not reachable at ${TEST_REDIS_URL}: the multi-node suite is skipped.`;
  if (process.env.PARLEY_REQUIRE_SERVICES === "1") throw new Error(`${message} PARLEY_REQUIRE_SERVICES=1 requires it.`);
  console.warn(message);
}

const servers: TestServer[] = [];
const processes: NodeProcess[] = [];
const clients: ChatClient[] = [];
const sockets: ClientSocket[] = [];
const bots: TestBot[] = [];
let proxy: RunningProxy | undefined;
let redis: RedisProcess | undefined;
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of sockets.splice(0)) s.close();
  for (const b of bots.splice(0)) b.close();
  await proxy?.close();
  proxy = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(processes.splice(0).map((p) => p.stop()));
  await redis?.kill();

  redis = undefined;
});

/** Two in-process nodes on one database and one Redis, under a prefix of this test's own. */
async function twoNodes(redisUrl = TEST_REDIS_URL, adminUsernames: readonly string[] = [], security?: Record<string, unknown>, redisPrefix = `parley-test-${randomUUID().slice(0, 8)}`) {
  const databaseUrl = await freshDatabaseUrl();
  const presence = { ttlMs: 1500, renewMs: 500, sweepMs: 300 };
  const a = await startTestServer({ databaseUrl, redisUrl, redisPrefix, presence, adminUsernames, security });
  servers.push(a);
  const b = await startTestServer({ databaseUrl, redisUrl, redisPrefix, presence, adminUsernames, security });
  servers.push(b);
  return [a, b] as const;
}

async function guest(url: string, name: string): Promise<{ cookie: string; user: UserSummary }> {
  const res = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ displayName: name }),
  });
  if (res.status !== 201) throw new Error(`guest sign-in failed: ${res.status}`);
  return { cookie: res.headers.get("set-cookie")!.split(";")[0]!, user: ((await res.json()) as { user: UserSummary }).user };
}

/**
 * Two node processes (killable) on one database and Redis behind the proxy; Ada pinned to
 * node 0 in a new room, Bob pinned to node 1, both with the browser's delivery logic.
 */
async function adaAndBobOnTwoNodes(roomName: string, env: Record<string, string> = {}) {
  const databaseUrl = await freshDatabaseUrl();
  const nodeEnv = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `parley-test-${randomUUID().slice(0, 8)}`, ...env };
  const nodes = [new NodeProcess(await freePort(), databaseUrl, nodeEnv), new NodeProcess(await freePort(), databaseUrl, nodeEnv)];
  processes.push(...nodes);
  await Promise.all(nodes.map((n) => n.start()));
  proxy = await startProxy({ upstreams: nodes.map((n) => n.url), checkEveryMs: 250 });
  const pinned = (session: { cookie: string; user: UserSummary }, node: number) => ({ ...session, cookie: `${session.cookie}; ${STICKY_COOKIE}=${node}` });
  const ada = await chatClient(proxy.url, pinned(await guest(proxy.url, "Ada"), 0));
  clients.push(ada);
  const ack = await ada.transport.request("room:create", { name: roomName });
  if (!ack.ok) throw new Error(ack.error.message);
  const room = ack.data.room;
  const bob = await chatClient(proxy.url, pinned(await guest(proxy.url, "Bob"), 1));
  clients.push(bob);
  return { databaseUrl, nodes, proxy, pinned, ada, bob, room, adaView: ada.room(room.slug), bobView: bob.room(room.slug) };
}

/** A raw socket (no reconnection) for a session, on `url`. */
async function socketFor(url: string, cookie: string, reconnection = false): Promise<ClientSocket> {
  const socket: ClientSocket = connect(url, { extraHeaders: { cookie }, transports: ["websocket"], forceNew: true, reconnection });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return socket;
}

const names = (p: PresenceChanged) => p.online.map((u) => u.name).sort();

/**
 * What happened when, from now: each client's disconnects, reconnection attempts and
 * connects, each view's phase, staleness and confirmed count as they change, and the steps the
 * test marks. Read as text: "timeline: +0.00 s …; +1.23 s …".
 */
function failoverTimeline(clients: Record<string, ChatClient>, views: Record<string, ReturnType<ChatClient["room"]>>) {
  const start = Date.now();
  const events: string[] = [];
  const mark = (what: string) => events.push(`+${((Date.now() - start) / 1000).toFixed(2)} s ${what}`);
  const stops: Array<() => void> = [];
  for (const [name, c] of Object.entries(clients)) {
    const disconnected = (reason: string) => mark(`${name} disconnected (${reason})`);
    const connected = () => mark(`${name} connected`);
    const attempt = (n: number) => mark(`${name} reconnection attempt ${n}`);
    c.socket.on("disconnect", disconnected);
    c.socket.on("connect", connected);
    c.socket.io.on("reconnect_attempt", attempt);
    stops.push(() => {
      c.socket.off("disconnect", disconnected);
      c.socket.off("connect", connected);
      c.socket.io.off("reconnect_attempt", attempt);
    });
  }
  for (const [name, view] of Object.entries(views)) {
    let last = "";
    stops.push(
      view.subscribe(() => {
        const { phase, stale, error, log } = view.get();
        // The count in hundreds, so that 300 arrivals make three entries, not 300.
        const now = `${phase}${stale ? ", stale" : ""}${error ? `, error ${error}` : ""}, ${Math.floor(log.confirmed.length / 100) * 100}+ held`;
        if (now !== last) mark(`${name}: ${(last = now)}`);
      }),
    );
  }
  return {
    mark,
    close: () => stops.splice(0).forEach((stop) => stop()),
    toString: () => `timeline: ${events.join("; ")}`,
  };
}

async function ok<T>(answer: Promise<{ ok: true; data: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const a = await answer;
  if (!a.ok) throw new Error(a.error.message);
  return a.data;
}

describe.skipIf(!redisUp)("two nodes sharing PostgreSQL and Redis", () => {
  it("users on different nodes share the directory, chat, and see each other's presence and typing; an event crosses Redis once", async () => {
    const redisPrefix = `parley-test-${randomUUID().slice(0, 8)}`;
    const [a, b] = await twoNodes(TEST_REDIS_URL, [], undefined, redisPrefix);
    const ada = await a.guest("Ada");
    const bob = await b.guest("Bob");
    const adaSocket = await a.socket(ada.cookie);
    const bobSocket = await b.socket(bob.cookie);

    // The directory: a room created on node A is announced to Bob on node B.
    const announced = nextEvent(bobSocket, "room:created", (r) => r.name === "Across");
    const { room } = await ok(adaSocket.emitWithAck("room:create", { name: "Across" }));
    expect((await announced).id).toBe(room.id);
    expect((await ok(bobSocket.emitWithAck("room:list", {}))).rooms.map((r) => r.id)).toContain(room.id);

    // Presence: both lists show both, whichever node each is on.
    await ok(adaSocket.emitWithAck("room:join", { slug: room.slug }));
    const adaSeesBob = nextEvent(adaSocket, "presence:changed", (p) => names(p).join() === "Ada,Bob");
    const bobJoined = nextEvent(bobSocket, "presence:changed", (p) => names(p).join() === "Ada,Bob");
    await ok(bobSocket.emitWithAck("room:join", { slug: room.slug }));
    await Promise.all([adaSeesBob, bobJoined]);

    // Typing crosses nodes, and someone joining mid-sentence on the other node sees it.
    const bobSeesTyping = nextEvent(bobSocket, "typing:changed", (t) => t.user.id === ada.user.id && t.typing);
    adaSocket.emit("typing:start", { roomId: room.id });
    await bobSeesTyping;
    const cyd = await b.guest("Cyd");
    const cydSocket = await b.socket(cyd.cookie);
    const cydSeesTyping = nextEvent(cydSocket, "typing:changed", (t) => t.user.id === ada.user.id && t.typing);
    await ok(cydSocket.emitWithAck("room:join", { slug: room.slug }));
    await cydSeesTyping;

    // Messages both ways, once each.
    const bobHeard = collect(bobSocket, "message:created");
    const adaHeard = collect(adaSocket, "message:created");
    await ok(adaSocket.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "hello from A" }));
    await ok(bobSocket.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "hello from B" }));
    await eventually(() => bobHeard.length === 2 && adaHeard.length === 2, "both heard both messages", 5000);
    expect(bobHeard.map((m) => [m.seq, m.body])).toEqual([
      [1, "hello from A"],
      [2, "hello from B"],
    ]);
    expect(adaHeard).toEqual(bobHeard);

    // Each message went into the adapter's stream once, as the cluster relay's call, not also
    // as Socket.IO's own broadcast (recovery is off here).
    const redis = createClient({ url: TEST_REDIS_URL });
    await redis.connect();
    try {
      const entries = await redis.xRange(`${redisPrefix}:socket.io`, "-", "+");
      for (const body of ["hello from A", "hello from B"]) {
        const carrying = entries.filter((e) => (e.message.data ?? "").includes(body));
        expect(carrying.map((e) => Number(e.message.type)), body).toEqual([RELAY_MESSAGE_TYPE]);
      }
    } finally {
      await redis.quit();
    }
  });

  it("a user with tabs on two nodes is one entry, listed until the last tab leaves", async () => {
    const [a, b] = await twoNodes();
    const ada = await a.guest("Ada");
    const bob = await a.guest("Bob");
    const bobSocket = await a.socket(bob.cookie);
    const { room } = await ok(bobSocket.emitWithAck("room:create", { name: "Tabs" }));
    // Bob's own arrival is announced (coalesced, within 50 ms) before Ada's tabs come: on a
    // busy machine the two could otherwise land in one list or in two.
    const bobAlone = nextEvent(bobSocket, "presence:changed", (p) => names(p).join() === "Bob");
    await ok(bobSocket.emitWithAck("room:join", { slug: room.slug }));
    await bobAlone;
    const seen = collect(bobSocket, "presence:changed");

    const tab1 = await a.socket(ada.cookie);
    await ok(tab1.emitWithAck("room:join", { slug: room.slug }));
    const tab2 = await b.socket(ada.cookie);
    const tab2Presence = nextEvent(tab2, "presence:changed");
    await ok(tab2.emitWithAck("room:join", { slug: room.slug }));
    expect(names(await tab2Presence)).toEqual(["Ada", "Bob"]);

    tab1.close();
    await sleep(2500); // past the presence TTL and a sweep: Ada's entry lives on through tab 2
    expect(seen.map(names)).toEqual([["Ada", "Bob"]]);
    tab2.close();
    await eventually(() => seen.length === 2, "Ada left after her last tab", 5000);
    expect(names(seen[1]!)).toEqual(["Bob"]);
  });

  it("a new profile picture reaches every node: the other node's presence lists, the user's tab there, and what that tab sends next", async () => {
    const [a, b] = await twoNodes();
    const ada = await a.guest("Ada");
    const bob = await b.guest("Bob");
    const bobSocket = await b.socket(bob.cookie);
    const { room } = await ok(bobSocket.emitWithAck("room:create", { name: "Faces across" }));
    await ok(bobSocket.emitWithAck("room:join", { slug: room.slug }));
    const adaOnA = await a.socket(ada.cookie);
    const adaOnB = await b.socket(ada.cookie);
    const bothListed = nextEvent(bobSocket, "presence:changed", (p) => names(p).join() === "Ada,Bob");
    await ok(adaOnB.emitWithAck("room:join", { slug: room.slug }));
    await bothListed;

    const id = randomUUID();
    const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: "orange" } }).png().toBuffer();
    const put = await fetch(`${a.url}/api/files/${id}?name=me.png&purpose=avatar`, { method: "PUT", headers: { cookie: ada.cookie, origin: a.url }, body: png });
    expect(put.status).toBe(201);
    const bobSees = nextEvent(bobSocket, "presence:changed", (p) => p.online.some((u) => u.id === ada.user.id && u.avatar === id));
    const tabTold = nextEvent(adaOnB, "profile:changed", (e) => e.user.avatar === id);
    // Set through her tab on node A, which is in no room: node B refreshes its own connections.
    expect(await ok(adaOnA.emitWithAck("account:avatar", { fileId: id }))).toEqual({ user: { ...ada.user, avatar: id } });
    await Promise.all([bobSees, tabTold]);
    const heard = nextEvent(bobSocket, "message:created", (m) => m.body === "new face");
    await ok(adaOnB.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "new face" }));
    expect((await heard).author).toEqual({ ...ada.user, avatar: id });
    // Bob, on the other node, reads the picture.
    expect((await fetch(`${b.url}/api/files/${id}/thumbnail`, { headers: { cookie: bob.cookie } })).status).toBe(200);
  });

  it("a bot on one node and a browser on the other hear each other; removal cuts the bot off on its node", async () => {
    const [a, b] = await twoNodes();
    const signUp = await fetch(`${a.url}/api/account/sign-up`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: `robo_${randomUUID().slice(0, 6)}`, password: "bot password", displayName: "Robo" }),
    });
    const robo = await a.socket(signUp.headers.get("set-cookie")!.split(";")[0]!);
    const { token } = await ok(robo.emitWithAck("token:create", { name: "cluster bot" }));
    const ada = await a.guest("Ada");
    const adaSocket = await a.socket(ada.cookie);
    const { room } = await ok(adaSocket.emitWithAck("room:create", { name: "Private across", visibility: "private" }));
    await ok(adaSocket.emitWithAck("room:join", { slug: room.slug }));
    const { token: invite } = await ok(adaSocket.emitWithAck("room:invite", { roomId: room.id }));

    const bot = await TestBot.open(b.url, { authorization: `Bearer ${token}` });
    bots.push(bot);
    const hello = (await bot.next((f) => f.type === "hello")) as unknown as { user: UserSummary };
    expect((await bot.request({ type: "join", room: room.slug, invite })).ok).toBe(true);

    await ok(adaSocket.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "hi bot" }));
    expect(await bot.next((f) => f.type === "message")).toMatchObject({ message: { body: "hi bot", author: { name: "Ada" } } });
    const adaHears = nextEvent(adaSocket, "message:created", (m) => m.body === "hi browser");
    expect((await bot.request({ type: "send", roomId: room.id, clientId: randomUUID(), body: "hi browser" })).ok).toBe(true);
    await adaHears;

    await ok(adaSocket.emitWithAck("room:remove-member", { roomId: room.id, userId: hello.user.id }));
    expect(await bot.next((f) => f.type === "room_removed")).toMatchObject({ roomId: room.id });
    await ok(adaSocket.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "after removal" }));
    await sleep(500);
    expect(bot.frames.some((f) => f.type === "message" && (f as { message?: { body?: string } }).message?.body === "after removal")).toBe(false);
  });

  it("a ban on one node closes the account's browsers and bots on both nodes at once (under 5 s), and neither gets back in, nor a new guest from their address through the proxy", async () => {
    const adminName = `root_${randomUUID().slice(0, 6)}`;
    // The nodes trust the proxy in front (loopback): the address it reports is the client's.
    const [a, b] = await twoNodes(TEST_REDIS_URL, [adminName], { rateLimitScale: 1000, trustProxy: "loopback" });
    proxy = await startProxy({ upstreams: [a.url, b.url], checkEveryMs: 60_000 });
    const trollAddress = "203.0.113.50";
    const account = async (url: string, username: string, displayName: string, from?: string) => {
      const headers = { "Content-Type": "application/json", ...(from ? { "X-Forwarded-For": from } : {}) };
      const res = await fetch(`${url}/api/account/sign-up`, { method: "POST", headers, body: JSON.stringify({ username, password: "bot password", displayName }) });
      if (res.status !== 201) throw new Error(`sign-up ${res.status}`);
      return { cookie: res.headers.get("set-cookie")!.split(";")[0]!, user: ((await res.json()) as { user: UserSummary }).user };
    };
    const admin = await account(a.url, adminName, "Root");
    const adminSocket = await socketFor(a.url, admin.cookie);
    // The troll signs up through the proxy from their address (sent in X-Forwarded-For, which the proxy appends to).
    const troll = await account(proxy.url, `troll_${randomUUID().slice(0, 6)}`, "Troll", trollAddress);
    // The troll's tabs on both nodes, and their bot on node b.
    const tabA = await socketFor(a.url, troll.cookie);
    const tabB = await socketFor(b.url, troll.cookie);
    const { token } = await ok(tabB.emitWithAck("token:create", { name: "troll bot" }));
    const bot = await TestBot.open(b.url, { authorization: `Bearer ${token}` });
    bots.push(bot);
    await bot.next((f) => f.type === "hello");
    const closedTab = (s: ClientSocket) => new Promise<{ told: string; reason: string }>((resolve) => {
      let told = "";
      s.on("account:closed", (e) => (told = e.message));
      s.on("disconnect", (reason) => resolve({ told, reason }));
    });
    const closings = [closedTab(tabA), closedTab(tabB)];

    const started = Date.now();
    await ok(adminSocket.emitWithAck("user:ban", { userId: troll.user.id, minutes: null, reason: "cluster test" }));
    const [onA, onB] = await Promise.all(closings);
    const botClosed = await bot.closed;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(onA).toEqual({ told: expect.stringContaining("banned"), reason: "io server disconnect" });
    expect(onB).toEqual({ told: expect.stringContaining("banned"), reason: "io server disconnect" });
    expect(botClosed.code).toBe(4403);
    expect(bot.frames.find((f) => f.type === "account_closed")).toMatchObject({ reason: "banned" });
    // Back in through neither node, with neither the cookie nor the token.
    await expect(socketFor(a.url, troll.cookie)).rejects.toThrow();
    await expect(socketFor(b.url, troll.cookie)).rejects.toThrow();
    await expect(TestBot.open(a.url, { authorization: `Bearer ${token}` })).rejects.toThrow("HTTP 401");
    // A fresh guest from the troll's address, through the proxy to either node, is refused; from elsewhere, welcome.
    const guestFrom = (url: string, from: string) =>
      fetch(`${url}/api/session`, { method: "POST", headers: { "Content-Type": "application/json", "X-Forwarded-For": from }, body: JSON.stringify({ displayName: "Totally New" }) });
    for (const url of [proxy.url, a.url, b.url]) expect((await guestFrom(url, trollAddress)).status, url).toBe(403);
    expect((await guestFrom(proxy.url, "198.51.100.8")).status).toBe(201);
  });

  it("a node killed with SIGKILL: its clients move through the proxy to the other node, nothing lost or doubled; its users leave presence", async () => {
    // Ada sends through node 0; Bob reads on node 1; Gus sits on node 0 and will not come back.
    const { databaseUrl, nodes, proxy, pinned, ada, bob, room, adaView, bobView } = await adaAndBobOnTwoNodes("Failover", { PRESENCE_TTL_MS: "1500", PRESENCE_SWEEP_MS: "300" });
    const bobPresence = collect(bob.socket, "presence:changed");
    await eventually(() => adaView.get().phase === "joined" && bobView.get().phase === "joined", "both joined");
    const gus = pinned(await guest(proxy.url, "Gus"), 0);
    const gusSocket = await socketFor(proxy.url, gus.cookie);
    await ok(gusSocket.emitWithAck("room:join", { slug: room.slug }));
    await eventually(() => bobPresence.some((p) => names(p).join() === "Ada,Bob,Gus"), "Bob sees Gus", 5000);

    // The failover's timeline, for the failure message (issue 32: this test once timed out
    // under load on Node 24, and which step was slow was not said).
    const timeline = failoverTimeline({ Ada: ada, Bob: bob }, { "Ada's view": adaView, "Bob's view": bobView });
    const typed = Array.from({ length: 300 }, (_, i) => `message ${i + 1}`);
    for (const [i, body] of typed.entries()) {
      await ada.outbox.add(room.id, body);
      if (i === 100) {
        nodes[0]!.kill();
        timeline.mark("node 0 killed");
      }
      if (i % 10 === 0) await sleep(5);
    }
    timeline.mark("all 300 in Ada's outbox");
    await eventually(() => ada.outbox.get().length === 0, () => `Ada's outbox drained through node 1 (${ada.outbox.get().length} left); ${timeline}`, 30_000);
    timeline.mark("Ada's outbox drained");
    await eventually(
      () => [adaView, bobView].every((v) => v.get().log.confirmed.length === 300 && !v.get().stale),
      () =>
        `both views caught up; ${[adaView, bobView]
          .map((v, i) => {
            const { phase, stale, error, log } = v.get();
            const seqs = log.confirmed.map((m) => m.seq);
            return `${i ? "Bob" : "Ada"}: ${phase}, ${seqs.length} held (first ${seqs[0]}, last ${seqs.at(-1)}), stale ${stale}, error ${error}`;
          })
          .join("; ")}; Ada connected ${ada.transport.isConnected()}, Bob connected ${bob.transport.isConnected()}; proxy healthy ${JSON.stringify(proxy.healthy())}; ${timeline}`,
      15_000,
    );
    timeline.close();
    expect(proxy.healthy()).toEqual([1]);

    const rows = await withDatabase(databaseUrl, (db) => db.message.findMany({ where: { roomId: room.id }, orderBy: { seq: "asc" } }));
    expect(rows.map((r) => r.body)).toEqual(typed);
    expect(rows.map((r) => r.seq)).toEqual(typed.map((_, i) => i + 1));
    const dbView = rows.map((r) => `${r.seq}:${r.id}`);
    for (const v of [adaView, bobView]) expect(v.get().log.confirmed.map((m) => `${m.seq}:${m.id}`)).toEqual(dbView);
    for (const m of ada.delivered) expect(dbView).toContain(`${m.seq}:${m.id}`);

    // Gus's node died with him on it: he leaves Bob's list within TTL + sweep (1.5 s + 0.3 s
    // here; 20 s by default), while Ada, back on node 1, stays.
    await eventually(() => names(bobPresence.at(-1)!).join() === "Ada,Bob", "Gus left Bob's list", 10_000);
  }, 90_000);

  it("changes across nodes: Bob's node is killed while Ada edits, deletes and reacts on the other; back through the proxy, Bob shows the current state", async () => {
    const { nodes, proxy, ada, bob, room, adaView, bobView } = await adaAndBobOnTwoNodes("Changing Failover");
    await eventually(() => adaView.get().phase === "joined" && bobView.get().phase === "joined", "both joined");
    for (const body of ["one", "two", "three"]) await ada.outbox.add(room.id, body);
    await eventually(() => bobView.get().log.confirmed.length === 3, "Bob saw three messages", 10_000);
    // A change made on node 0 reaches Bob on node 1 live.
    const [one, two, three] = ada.delivered as [ChatMessage, ChatMessage, ChatMessage];
    const target = (m: ChatMessage) => ({ roomId: room.id, messageId: m.id, clientId: m.clientId });
    await ada.outbox.react(target(one), "👀", true);
    await eventually(() => bobView.get().log.confirmed[0]?.reactions?.[0]?.emoji === "👀", "Bob saw the reaction live", 10_000);

    nodes[1]!.kill();
    await eventually(() => !bob.socket.connected, "Bob lost his node", 10_000);
    await ada.outbox.edit(target(one), "one, edited");
    await ada.outbox.remove(target(two));
    await ada.outbox.react(target(three), "❤️", true);
    await ada.outbox.react(target(one), "👀", false);
    await eventually(() => ada.outbox.get().length === 0, "Ada's changes applied on node 0", 15_000);

    const shown = (v: typeof bobView) => v.get().log.confirmed.map((m) => [m.body, m.deleted ?? false, (m.reactions ?? []).map((r) => r.emoji).join()]);
    const expected = [["one, edited", false, ""], ["", true, ""], ["three", false, "❤️"]];
    await eventually(() => !bobView.get().stale && JSON.stringify(shown(bobView)) === JSON.stringify(expected), "Bob, back on node 0, shows the current state", 30_000);
    expect(bobView.get().log.changeCursor).toBe(5);
    expect(JSON.stringify(shown(adaView))).toBe(JSON.stringify(expected));
    expect(proxy.healthy()).toEqual([0]);
  }, 90_000);

  it("unread counts: a follower on the other node hears the room's activity; after his node is killed he counts what he missed, and his reading holds on the node he lands on", async () => {
    const { nodes, proxy, ada, bob, room, adaView, bobView } = await adaAndBobOnTwoNodes("Counting");
    await eventually(() => adaView.get().phase === "joined" && bobView.get().phase === "joined", "both joined");
    // Bob follows the room (he opened it) and moves on: its activity is all he hears of it.
    bobView.close();
    bob.attention.reset((await ok(bob.transport.request("attention:sync", {}))).rooms);
    for (const body of ["one", "two", "three", "four", "five"]) await ada.outbox.add(room.id, body);
    await eventually(() => bob.attention.unread(room.id) === 5, "Bob, on node 1, counts Ada's five from node 0", 10_000);
    // Ada's own messages are read for her, on her node and in the database.
    await eventually(() => ada.attention.unread(room.id) === 0 && ada.attention.get().get(room.id)?.latestSeq === 5, "Ada read her own", 10_000);

    nodes[1]!.kill();
    await eventually(() => !bob.socket.connected, "Bob lost his node", 10_000);
    for (const body of ["six", "seven", "eight"]) await ada.outbox.add(room.id, body);
    await eventually(() => ada.outbox.get().length === 0, "Ada's messages stored", 10_000);
    // Back through the proxy on node 0: the sync at connect counts what he missed.
    await eventually(() => bob.socket.connected && bob.attention.unread(room.id) === 8, "Bob counts eight after the failover", 30_000);
    expect(proxy.healthy()).toEqual([0]);
    await bob.outbox.read(room.id, 6);
    await eventually(() => bob.attention.unread(room.id) === 2, "Bob's reading acknowledged", 10_000);
    const state = await ok(bob.transport.request("attention:sync", {}));
    expect(state.rooms.find((r) => r.roomId === room.id)).toEqual({ roomId: room.id, readSeq: 6, latestSeq: 8 });
  }, 90_000);

  it("a node draining on SIGTERM takes no new connection; its browsers move to the other node with their state recovered, its bots told to reconnect", async () => {
    const databaseUrl = await freshDatabaseUrl();
    // Connection state recovery is off by default; turned on, it carries over through Redis.
    const env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `parley-test-${randomUUID().slice(0, 8)}`, RECOVERY_WINDOW_MS: "120000" };
    const nodes = [new NodeProcess(await freePort(), databaseUrl, env), new NodeProcess(await freePort(), databaseUrl, env)];
    processes.push(...nodes);
    await Promise.all(nodes.map((n) => n.start()));
    proxy = await startProxy({ upstreams: nodes.map((n) => n.url), checkEveryMs: 250 });
    expect((await fetch(`${nodes[0]!.url}/readyz`)).status).toBe(200);

    const ada = await guest(proxy.url, "Ada");
    const socket: ClientSocket = connect(proxy.url, {
      extraHeaders: { cookie: `${ada.cookie}; ${STICKY_COOKIE}=0` },
      transports: ["websocket"],
      forceNew: true,
      reconnectionDelay: 100,
    });
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const { room } = await ok(socket.emitWithAck("room:create", { name: "Draining" }));
    await ok(socket.emitWithAck("room:join", { slug: room.slug }));
    // A broadcast seen, so that the connection has an offset to recover from.
    await ok(socket.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "before the drain" }));

    const signUp = await fetch(`${nodes[0]!.url}/api/account/sign-up`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: `robo_${randomUUID().slice(0, 6)}`, password: "bot password", displayName: "Robo" }),
    });
    const robo = await socketFor(nodes[0]!.url, signUp.headers.get("set-cookie")!.split(";")[0]!);
    const { token } = await ok(robo.emitWithAck("token:create", { name: "drained bot" }));
    const bot = await TestBot.open(nodes[0]!.url, { authorization: `Bearer ${token}` });
    bots.push(bot);
    await bot.next((f) => f.type === "hello");

    const back = new Promise<boolean>((resolve) => socket.once("connect", () => resolve(socket.recovered)));
    const exit = nodes[0]!.terminate();
    expect((await bot.closed).code).toBe(1012);
    expect(await back).toBe(true);
    expect(await exit).toBe(0);
    // Still in the room on node 1: a message sent there reaches this socket without a rejoin.
    const heard = nextEvent(socket, "message:created", (m) => m.body === "after the drain");
    const other = await socketFor(nodes[1]!.url, (await guest(nodes[1]!.url, "Bob")).cookie);
    await ok(other.emitWithAck("room:join", { slug: room.slug }));
    await ok(other.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "after the drain" }));
    await heard;
  }, 60_000);

  it("a rolling restart of both nodes (SIGTERM, start again, one at a time) under a steady 20 messages a second: nothing acknowledged lost, nothing doubled, every client back", async () => {
    const { databaseUrl, nodes, proxy, ada, bob, room, adaView, bobView } = await adaAndBobOnTwoNodes("Rolling");
    await eventually(() => adaView.get().phase === "joined" && bobView.get().phase === "joined", "both joined");
    const typed: Record<"Ada" | "Bob", string[]> = { Ada: [], Bob: [] };
    let rolling = true;
    // Each sends 10 a second, from before the first node stops until after the second is back.
    const steady = async (who: "Ada" | "Bob", client: ChatClient) => {
      for (let i = 1; rolling; i++) {
        const body = `${who} ${i}`;
        typed[who].push(body);
        await client.outbox.add(room.id, body);
        await sleep(100);
      }
    };
    const senders = Promise.all([steady("Ada", ada), steady("Bob", bob)]);
    const timeline: string[] = [];
    const at = (what: string) => timeline.push(`${new Date().toISOString().slice(17, 23)} ${what} (Ada ${typed.Ada.length}, Bob ${typed.Bob.length} typed)`);
    try {
      await sleep(1000);
      for (const [i, node] of nodes.entries()) {
        at(`SIGTERM node ${i}`);
        expect(await node.terminate()).toBe(0);
        at(`node ${i} exited 0`);
        await node.start();
        await eventually(() => proxy.healthy().length === 2, `the proxy sees node ${i} ready again; ${timeline.join("; ")}`, 20_000);
        at(`node ${i} back`);
      }
      await sleep(1000);
    } finally {
      rolling = false;
      await senders;
    }
    const sent = typed.Ada.length + typed.Bob.length;
    // At 20 a second, the roll took long enough for a steady stream to cross both restarts.
    expect(sent).toBeGreaterThan(40);
    await eventually(() => ada.outbox.get().length === 0 && bob.outbox.get().length === 0, () => `both outboxes drained; ${timeline.join("; ")}`, 30_000);
    await eventually(
      () => [adaView, bobView].every((v) => v.get().log.confirmed.length === sent && !v.get().stale),
      () => `both views caught up (${[adaView, bobView].map((v) => v.get().log.confirmed.length).join(", ")} of ${sent}); ${timeline.join("; ")}`,
      20_000,
    );
    expect(ada.transport.isConnected() && bob.transport.isConnected()).toBe(true);

    const rows = await withDatabase(databaseUrl, (db) => db.message.findMany({ where: { roomId: room.id }, orderBy: { seq: "asc" } }));
    // Every message once, each person's in the order typed, seqs without a gap.
    expect(rows).toHaveLength(sent);
    expect(new Set(rows.map((r) => r.body)).size).toBe(sent);
    for (const who of ["Ada", "Bob"] as const) expect(rows.map((r) => r.body).filter((b) => b.startsWith(`${who} `))).toEqual(typed[who]);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    // Every acknowledgement names a stored message; both views equal the database.
    const dbView = rows.map((r) => `${r.seq}:${r.id}`);
    for (const m of [...ada.delivered, ...bob.delivered]) expect(dbView).toContain(`${m.seq}:${m.id}`);
    expect(ada.delivered.length + bob.delivered.length).toBe(sent);
    for (const v of [adaView, bobView]) expect(v.get().log.confirmed.map((m) => `${m.seq}:${m.id}`)).toEqual(dbView);
  }, 150_000);

  it("/readyz turns 503 while Redis is down and 200 again when it is back; /healthz stays 200", async (ctx) => {
    if (!redisServerInstalled()) {
      const why = "redis-server is not installed here: the readiness test needs a Redis of its own to stop.";
      if (process.env.PARLEY_REQUIRE_SERVICES === "1") throw new Error(`${why} PARLEY_REQUIRE_SERVICES=1 requires it.`);
      return ctx.skip(why);
    }
    redis = await RedisProcess.start();
    const [a] = await twoNodes(redis.url);
    const readiness = async () => {
      const res = await fetch(`${a.url}/readyz`);
      return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string> } };
    };
    expect(await readiness()).toEqual({ status: 200, body: { status: "ready", checks: { database: "ok", redis: "ok" } } });
    await redis.kill();
    const down = await readiness();
    expect(down.status).toBe(503);
    expect(down.body.checks.database).toBe("ok");
    // "failed", never the driver's error text (addresses, versions) to whoever asks.
    expect(down.body.checks.redis).toBe("failed");
    expect((await fetch(`${a.url}/healthz`)).status).toBe(200);
    await redis.start();
    const since = Date.now();
    while ((await readiness()).status !== 200) {
      if (Date.now() - since > 10_000) throw new Error("never ready again after Redis came back");
      await sleep(100);
    }
  }, 30_000);

  it("Redis restarted mid-conversation: nodes reconnect, delivery resumes, no acknowledged message is lost", async (ctx) => {
    if (!redisServerInstalled()) {
      const why = "redis-server is not installed here: the Redis restart test needs a Redis of its own to restart.";
      if (process.env.PARLEY_REQUIRE_SERVICES === "1") throw new Error(`${why} PARLEY_REQUIRE_SERVICES=1 requires it.`);
      return ctx.skip(why);
    }
    redis = await RedisProcess.start();
    const [a, b] = await twoNodes(redis.url);
    const ada = await chatClient(a.url, await a.guest("Ada"));
    clients.push(ada);
    const ack = await ada.transport.request("room:create", { name: "Through the outage" });
    if (!ack.ok) throw new Error(ack.error.message);
    const room = ack.data.room;
    const bob = await chatClient(b.url, await b.guest("Bob"));
    clients.push(bob);
    const adaView = ada.room(room.slug);
    const bobView = bob.room(room.slug);
    await eventually(() => adaView.get().phase === "joined" && bobView.get().phase === "joined", "both joined");

    const typed: string[] = [];
    const say = async (n: number, label: string) => {
      for (let i = 0; i < n; i++) {
        const body = `${label} ${i + 1}`;
        typed.push(body);
        await ada.outbox.add(room.id, body);
        await sleep(10);
      }
    };
    await say(50, "before");
    await redis.kill();
    await say(50, "during");
    await sleep(500);
    await redis.start();
    await say(50, "after");

    await eventually(() => ada.outbox.get().length === 0, "Ada's outbox drained", 30_000);
    // Bob, on the other node, hears the rest live once the stream is back, and fills any
    // gap from the database by seq.
    await eventually(() => bobView.get().log.confirmed.length === 150 && !bobView.get().stale, "Bob caught up", 30_000);
    const rows = await withDatabase(a.databaseUrl, (db) => db.message.findMany({ where: { roomId: room.id }, orderBy: { seq: "asc" } }));
    expect(rows.map((r) => r.body)).toEqual(typed);
    const dbView = rows.map((r) => `${r.seq}:${r.id}`);
    for (const m of ada.delivered) expect(dbView).toContain(`${m.seq}:${m.id}`);
    expect(ada.delivered).toHaveLength(150);
    expect(bobView.get().log.confirmed.map((m) => `${m.seq}:${m.id}`)).toEqual(dbView);

    // Live delivery across nodes works again after the restart (not only catch-up).
    const bobHears = nextEvent(bob.socket, "message:created", (m) => m.body === "live again", 5000);
    await ada.outbox.add(room.id, "live again");
    await bobHears;
  }, 90_000);
});
