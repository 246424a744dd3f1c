/**
 * Web Push against a push service of the test's own (HTTPS on 127.0.0.1 with a certificate
 * made here, let through by the test-only `testOnlyAllowLocal` endpoint setting): a mention
 * reaches someone with no tab open who follows the room, encrypted for their browser's keys
 * and signed with the server's VAPID key; someone with a tab open, outside a private room,
 * removed from it, not following the room, or with notifications off gets nothing; pushes
 * are gathered per recipient and room; a deleted message's notification is withdrawn;
 * subscriptions end with their session; endpoints outside the push services are refused.
 *
 * "Nothing arrived" is checked after a marker: a push to someone else (or to the same
 * person) that the server sends after the one that must not arrive.
 */
import { execFileSync } from "node:child_process";
import { createECDH, randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import { createServer, type Server } from "node:https";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import ece from "http_ece";
import webpush from "web-push";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, withDatabase, type ClientSocket, type TestServer } from "./test/harness";
import { directRoomId } from "./contract/direct";

const opensslMissing = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return false;
  } catch {
    return true;
  }
})();

type Received = { path: string; headers: Record<string, string | string[] | undefined>; body: Buffer };

/** A push service: 201 for /ok/…, 410 for /gone/…; it keeps what it received. */
async function pushService(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-push-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
  const received: Received[] = [];
  const server: Server = createServer({ key: fs.readFileSync(path.join(dir, "key.pem")), cert: fs.readFileSync(path.join(dir, "cert.pem")) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(req.url?.startsWith("/gone/") ? 410 : 201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A browser's push keys: the public half goes to the server, the private half decrypts. */
function browserKeys() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return { ecdh, auth, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") } };
}

const ok = async <T,>(p: Promise<{ ok: true; data: T } | { ok: false; error: { message: string } }>): Promise<T> => {
  const a = await p;
  if (!a.ok) throw new Error(a.error.message);
  return a.data;
};

const until = async (check: () => boolean, what: string, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

// openssl makes the local push service's certificate; CI requires it (PARLEY_REQUIRE_SERVICES).
if (opensslMissing && process.env.PARLEY_REQUIRE_SERVICES === "1") throw new Error("openssl is needed for the Web Push suite (PARLEY_REQUIRE_SERVICES=1)");

describe.skipIf(opensslMissing)("Web Push (skipped: needs openssl for the local push service's certificate)", () => {
  let push: Awaited<ReturnType<typeof pushService>>;
  let server: TestServer;
  beforeAll(async () => {
    push = await pushService();
  });
  afterAll(async () => push?.close());
  afterEach(async () => server?.close());

  /** Once the server has seen the user's every socket go (on any node: the adapter asks them all). */
  async function allTabsClosed(userId: string) {
    const since = Date.now();
    while ((await server.io.in(`user:${userId}`).fetchSockets()).length > 0) {
      if (Date.now() - since > 10_000) throw new Error("a socket never closed");
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  const start = (options: { coalesceMs?: number; rateLimitScale?: number } = {}) =>
    startTestServer({
      pushTls: { rejectUnauthorized: false },
      pushEndpoints: { testOnlyAllowLocal: true },
      pushCoalesceMs: options.coalesceMs ?? 1,
      // On PostgreSQL the key pair must be given (several nodes share it); on SQLite it would be made.
      vapid: webpush.generateVAPIDKeys(),
      ...(options.rateLimitScale !== undefined ? { security: { rateLimitScale: options.rateLimitScale } } : {}),
    });

  /** A person whose browser is subscribed, who opened `slugs` (so follows them), then closed every tab. */
  async function away(name: string, slugs: string[] = []) {
    const person = await server.guest(name);
    const socket = await server.socket(person.cookie);
    const keys = browserKeys();
    const endpoint = `${push.url}/ok/${randomUUID()}`;
    await ok(socket.emitWithAck("push:subscribe", { endpoint, keys: keys.keys }));
    for (const slug of slugs) await ok(socket.emitWithAck("room:join", { slug }));
    socket.close();
    await allTabsClosed(person.user.id);
    return { ...person, keys, endpoint };
  }

  const to = (endpoint: string) => push.received.filter((r) => r.path === new URL(endpoint).pathname);
  const decrypt = (r: Received, keys: ReturnType<typeof browserKeys>) =>
    JSON.parse(ece.decrypt(r.body, { version: "aes128gcm", privateKey: keys.ecdh, authSecret: keys.auth.toString("base64url") }).toString("utf8"));
  const received = (who: { endpoint: string; keys: ReturnType<typeof browserKeys> }) => to(who.endpoint).map((r) => decrypt(r, who.keys));

  /** Ada, who writes, and a public room she opened. */
  async function ada(roomOptions: { name?: string; visibility?: string } = {}) {
    const me = await server.guest("Ada");
    const socket: ClientSocket = await server.socket(me.cookie);
    const { room } = await ok(socket.emitWithAck("room:create", { name: roomOptions.name ?? "Pushed", ...(roomOptions.visibility ? { visibility: roomOptions.visibility } : {}) } as never));
    await ok(socket.emitWithAck("room:join", { slug: room.slug }));
    const say = (body: string, roomId = room.id) => ok(socket.emitWithAck("message:send", { roomId, clientId: randomUUID(), body }));
    return { ...me, socket, room, say };
  }

  it("a mention reaches a follower with no tab open, encrypted for their browser and signed with the VAPID key; not someone with a tab open", async () => {
    server = await start();
    const a = await ada();
    const bob = await server.guest("Bob");
    const bobSocket = await server.socket(bob.cookie);
    const bobEndpoint = `${push.url}/ok/${randomUUID()}`;
    await ok(bobSocket.emitWithAck("push:subscribe", { endpoint: bobEndpoint, keys: browserKeys().keys }));
    await ok(bobSocket.emitWithAck("room:join", { slug: a.room.slug }));
    const cat = await away("Cat", [a.room.slug]);
    const { publicKey } = await ok(bobSocket.emitWithAck("push:key", {}));
    expect(publicKey).toMatch(/^[A-Za-z0-9_-]{80,}$/);

    const sent = await a.say(`hello <@${bob.user.id}> and <@${cat.user.id}>`);
    await until(() => to(cat.endpoint).length > 0, "Cat's push");
    // Both were decided together: Bob, connected, got none.
    expect(to(bobEndpoint)).toEqual([]);
    const got = to(cat.endpoint)[0]!;
    expect(got.headers["content-encoding"]).toBe("aes128gcm");
    expect(String(got.headers.authorization)).toContain(`k=${publicKey}`);
    expect(decrypt(got, cat.keys)).toEqual({ title: `${a.user.name} in #Pushed`, body: "hello @Bob and @Cat", tag: `room:${a.room.id}`, url: `/r/${a.room.slug}`, messageId: sent.message.id });
  });

  it("only followers are pushed, as their level allows: not someone who never opened the room, left it, or set it to off", async () => {
    server = await start();
    const a = await ada();
    const stranger = await away("Stranger");
    const leaver = await away("Leaver", [a.room.slug]);
    const quiet = await away("Quiet", [a.room.slug]);
    const marker = await away("Marker", [a.room.slug]);
    // Leaver leaves the room; Quiet turns its notifications off (each from a tab opened for it).
    for (const [who, event, payload] of [
      [leaver, "room:unfollow", { roomId: a.room.id }],
      [quiet, "room:notify", { roomId: a.room.id, level: "off" }],
    ] as const) {
      const s = await server.socket(who.cookie);
      await ok((s.emitWithAck as (e: string, p: unknown) => Promise<{ ok: true; data: unknown } | { ok: false; error: { message: string } }>)(event, payload));
      s.close();
      await allTabsClosed(who.user.id);
    }
    // A stranger can be mentioned in a room they never opened a hundred times: no push. The
    // marker is mentioned last in the same message: its push is decided and queued after theirs.
    await a.say(`<@${stranger.user.id}> <@${leaver.user.id}> <@${quiet.user.id}> and <@${marker.user.id}>`);
    await until(() => to(marker.endpoint).length > 0, "the marker's push, queued after the others would have been");
    expect(to(stranger.endpoint)).toEqual([]);
    expect(to(leaver.endpoint)).toEqual([]);
    expect(to(quiet.endpoint)).toEqual([]);
  });

  it("nobody outside a private room, nor a removed member, is pushed; a subscription the push service says is gone is deleted", async () => {
    server = await start();
    const a = await ada({ name: "Secret", visibility: "private" });
    const member = await server.guest("Member");
    const memberSocket = await server.socket(member.cookie);
    const { token } = await ok(a.socket.emitWithAck("room:invite", { roomId: a.room.id }));
    await ok(memberSocket.emitWithAck("room:join", { slug: a.room.slug, invite: token }));
    const memberKeys = browserKeys();
    const memberEndpoint = `${push.url}/ok/${randomUUID()}`;
    await ok(memberSocket.emitWithAck("push:subscribe", { endpoint: memberEndpoint, keys: memberKeys.keys }));
    memberSocket.close();
    await allTabsClosed(member.user.id);
    const outsider = await away("Outsider");
    await a.say(`psst <@${outsider.user.id}> and <@${member.user.id}>`);
    await until(() => to(memberEndpoint).length === 1, "the member's push");
    // Removed: the next mention does not reach them; the marker, a member mentioned last in the
    // same message, is pushed after them.
    const invited = await ok(a.socket.emitWithAck("room:invite", { roomId: a.room.id }));
    const marker = await server.guest("Marker");
    const markerSocket = await server.socket(marker.cookie);
    await ok(markerSocket.emitWithAck("room:join", { slug: a.room.slug, invite: invited.token }));
    const markerKeys = browserKeys();
    const markerEndpoint = `${push.url}/ok/${randomUUID()}`;
    await ok(markerSocket.emitWithAck("push:subscribe", { endpoint: markerEndpoint, keys: markerKeys.keys }));
    markerSocket.close();
    await allTabsClosed(marker.user.id);
    await ok(a.socket.emitWithAck("room:remove-member", { roomId: a.room.id, userId: member.user.id }));
    await a.say(`still there <@${member.user.id}>? <@${outsider.user.id}>? <@${marker.user.id}>?`);
    await until(() => to(markerEndpoint).length > 0, "the marker's push");
    expect(to(outsider.endpoint)).toEqual([]);
    expect(to(memberEndpoint)).toHaveLength(1);

    // The push service answers 410 for Dan's browser: the subscription is deleted at the first push.
    const { room: open } = await ok(a.socket.emitWithAck("room:create", { name: "Open" }));
    const dan = await server.guest("Dan");
    const danSocket = await server.socket(dan.cookie);
    await ok(danSocket.emitWithAck("room:join", { slug: open.slug }));
    const gone = `${push.url}/gone/${randomUUID()}`;
    await ok(danSocket.emitWithAck("push:subscribe", { endpoint: gone, keys: browserKeys().keys }));
    expect(await withDatabase(server.databaseUrl, (db) => db.pushSubscription.count({ where: { endpoint: gone } }))).toBe(1);
    danSocket.close();
    await allTabsClosed(dan.user.id);
    await a.say(`<@${dan.user.id}> are you there?`, open.id);
    await until(() => to(gone).length > 0, "the push to the gone endpoint");
    const deadline = Date.now() + 10_000;
    while ((await withDatabase(server.databaseUrl, (db) => db.pushSubscription.count({ where: { endpoint: gone } }))) > 0) {
      if (Date.now() > deadline) throw new Error("the gone subscription was not deleted");
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it("every message of a direct conversation reaches the other person with no tab open, titled with the author alone; nobody else; not with notifications off, nor across a block", async () => {
    server = await start();
    const a = await ada();
    const cat = await away("Cat");
    const bob = await away("Bob", [a.room.slug]);
    const id = directRoomId(a.user.id, cat.user.id);
    await ok(a.socket.emitWithAck("room:join", { slug: id }));
    const sent = await a.say("are you free tonight?", id);
    await until(() => to(cat.endpoint).length > 0, "Cat's push");
    expect(received(cat)[0]).toEqual({ title: a.user.name, body: "are you free tonight?", tag: `room:${id}`, url: `/r/${id}`, messageId: sent.message.id });
    // Ada sets a profile picture: her next push shows it, as a path on Parley's own origin.
    const avatar = randomUUID();
    const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: "purple" } }).png().toBuffer();
    const put = await fetch(`${server.url}/api/files/${avatar}?name=me.png&purpose=avatar`, { method: "PUT", headers: { cookie: a.cookie, origin: server.url }, body: png });
    expect(put.status).toBe(201);
    await ok(a.socket.emitWithAck("account:avatar", { fileId: avatar }));
    // Bob, outside it, is never pushed its messages, even mentioned in it.
    await a.say(`about <@${bob.user.id}>`, id);
    await until(() => to(cat.endpoint).length > 1, "Cat's second push");
    expect(received(cat)[1]).toMatchObject({ title: a.user.name, icon: `/api/files/${avatar}/thumbnail` });
    expect(received(cat)[0].icon).toBeUndefined();
    expect(to(bob.endpoint)).toEqual([]);

    // Cat turns the conversation off: nothing more from it. The marker is Cat's own next push,
    // a mention in a room she follows, decided and queued after the muted message's.
    const catSocket = await server.socket(cat.cookie);
    await ok(catSocket.emitWithAck("room:notify", { roomId: id, level: "off" }));
    await ok(catSocket.emitWithAck("room:join", { slug: a.room.slug }));
    catSocket.close();
    await allTabsClosed(cat.user.id);
    await a.say("hello? (muted)", id);
    await a.say(`marker <@${cat.user.id}>`);
    await until(() => to(cat.endpoint).length > 2, "Cat's marker push");
    expect(received(cat).slice(2)).toEqual([expect.objectContaining({ body: "marker @Cat", tag: `room:${a.room.id}` })]);

    // Cat blocks Ada: Ada's mentions of Cat in a room push nothing, while a mention of Bob after it does.
    const again = await server.socket(cat.cookie);
    await ok(again.emitWithAck("user:block", { userId: a.user.id, blocked: true }));
    again.close();
    await allTabsClosed(cat.user.id);
    await a.say(`hey <@${cat.user.id}> and <@${bob.user.id}>`);
    await until(() => to(bob.endpoint).length > 0, "Bob's push");
    expect(to(cat.endpoint)).toHaveLength(3);
  });

  it("gathers a burst into one push per recipient and room, and withdraws a deleted message's notification", async () => {
    server = await start({ coalesceMs: 500 });
    const a = await ada();
    const cat = await away("Cat", [a.room.slug]);
    const first = await a.say(`one <@${cat.user.id}>`);
    await a.say(`two <@${cat.user.id}>`);
    await a.say(`three <@${cat.user.id}>`);
    // At once the first; at the window's end the last, saying how many more came.
    await until(() => to(cat.endpoint).length >= 2, "the gathered push");
    const [one, gathered] = received(cat);
    expect(one).toMatchObject({ body: "one @Cat", messageId: first.message.id });
    expect(gathered).toMatchObject({ body: "three @Cat\n(and 1 more)", tag: `room:${a.room.id}` });

    // Ada deletes the first: Cat's devices are told to close its notification.
    await ok(a.socket.emitWithAck("message:delete", { roomId: a.room.id, messageId: first.message.id, clientChangeId: randomUUID() }));
    await until(() => to(cat.endpoint).length >= 3, "the withdrawal");
    expect(received(cat)[2]).toEqual({ close: { tag: `room:${a.room.id}`, messageId: first.message.id } });
    expect(to(cat.endpoint)).toHaveLength(3);
  });

  it("a subscription ends with its session: signing out deletes it, an expired session is not pushed", async () => {
    server = await start();
    const a = await ada();
    const cat = await away("Cat", [a.room.slug]);
    const dan = await away("Dan", [a.room.slug]);
    // Dan's session expires (as if days had passed): his subscription is kept but never used.
    await withDatabase(server.databaseUrl, (db) => db.session.updateMany({ where: { userId: dan.user.id }, data: { expiresAt: new Date(Date.now() - 1000) } }));
    const out = await fetch(`${server.url}/api/session`, { method: "DELETE", headers: { cookie: cat.cookie } });
    expect(out.ok).toBe(true);
    expect(await withDatabase(server.databaseUrl, (db) => db.pushSubscription.count({ where: { userId: cat.user.id } }))).toBe(0);
    const marker = await away("Marker", [a.room.slug]);
    await a.say(`<@${cat.user.id}> <@${dan.user.id}> <@${marker.user.id}>`);
    await until(() => to(marker.endpoint).length > 0, "the marker's push");
    expect(to(cat.endpoint)).toEqual([]);
    expect(to(dan.endpoint)).toEqual([]);
  });

  it("keeps at most 10 subscriptions per user, the newest; the same subscription again is free, new ones have a budget", async () => {
    server = await start({ rateLimitScale: 1 });
    const me = await server.guest("Many");
    const socket = await server.socket(me.cookie);
    const endpoints = Array.from({ length: 11 }, () => `${push.url}/ok/${randomUUID()}`);
    const keys = browserKeys().keys;
    for (const endpoint of endpoints.slice(0, 10)) await ok(socket.emitWithAck("push:subscribe", { endpoint, keys }));
    // The same one again, as a browser does at every connection: free, and changes nothing.
    for (let i = 0; i < 5; i++) await ok(socket.emitWithAck("push:subscribe", { endpoint: endpoints[9]!, keys }));
    // The eleventh new one in the hour is over the budget.
    expect(await socket.emitWithAck("push:subscribe", { endpoint: endpoints[10]!, keys })).toMatchObject({ ok: false, error: { code: "rate_limited" } });
    expect(await withDatabase(server.databaseUrl, (db) => db.pushSubscription.count({ where: { userId: me.user.id } }))).toBe(10);
  });

  it("the eleventh subscription evicts the oldest", async () => {
    server = await start();
    const me = await server.guest("Many");
    const socket = await server.socket(me.cookie);
    const endpoints = Array.from({ length: 12 }, () => `${push.url}/ok/${randomUUID()}`);
    for (const endpoint of endpoints) {
      await ok(socket.emitWithAck("push:subscribe", { endpoint, keys: browserKeys().keys }));
      // Each in a millisecond of its own: the oldest is told by its time.
      await new Promise((r) => setTimeout(r, 2));
    }
    const kept = await withDatabase(server.databaseUrl, (db) => db.pushSubscription.findMany({ where: { userId: me.user.id }, select: { endpoint: true } }));
    expect(kept.map((k) => k.endpoint).sort()).toEqual(endpoints.slice(2).sort());
  });

  it("refuses a subscription that is not an https endpoint with keys", async () => {
    server = await start();
    const me = await server.guest("Bob");
    const socket = await server.socket(me.cookie);
    expect(await socket.emitWithAck("push:subscribe", { endpoint: "http://example.org/x", keys: browserKeys().keys })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect(await socket.emitWithAck("push:subscribe", { endpoint: `${push.url}/ok/x` } as never)).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
  });
});

describe("Web Push endpoints, with the default policy (no test exception)", () => {
  let server: TestServer | undefined;
  afterEach(async () => server?.close());

  it("refuses private, loopback, link-local and metadata addresses, IP literals, other ports and hosts that are not push services", async () => {
    server = await startTestServer({ vapid: webpush.generateVAPIDKeys() });
    const me = await server.guest("Mallory");
    const socket = await server.socket(me.cookie);
    const keys = browserKeys().keys;
    for (const endpoint of [
      "https://127.0.0.1:6379/x",
      "https://10.0.0.1/x",
      "https://169.254.169.254/latest/meta-data",
      "https://localhost/x",
      "https://[::1]/x",
      "https://192.168.1.1/x",
      "https://[::ffff:10.0.0.1]/x",
      "https://2130706433/x",
      "https://fcm.googleapis.com:8443/x",
      "https://user:pw@fcm.googleapis.com/x",
      "https://fcm.googleapis.com.attacker.example/x",
      "https://example.org/x",
    ]) {
      const ack = await socket.emitWithAck("push:subscribe", { endpoint, keys });
      expect(ack, endpoint).toMatchObject({ ok: false });
      expect((ack as { error: { code: string } }).error.code, endpoint).toMatch(/^(forbidden|invalid_payload)$/);
    }
    expect(await withDatabase(server.databaseUrl, (db) => db.pushSubscription.count())).toBe(0);
  });
});
