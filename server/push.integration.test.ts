/**
 * Web Push against a push service of the test's own (HTTPS on 127.0.0.1 with a certificate
 * made here): a mention reaches someone with no tab open, encrypted for their browser's keys
 * and signed with the server's VAPID key; someone with a tab open, or outside a private room,
 * gets nothing; a subscription the push service says is gone (410) is deleted.
 */
import { execFileSync } from "node:child_process";
import { createECDH, randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import { Agent, createServer, type Server } from "node:https";
import os from "node:os";
import path from "node:path";
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

describe.skipIf(opensslMissing)("Web Push (needs openssl for the local push service's certificate)", () => {
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

  /** Ada, who writes; Bob, with a tab open; Cat, subscribed and with every tab closed. */
  async function people() {
    // On PostgreSQL the key pair must be given (several nodes share it); on SQLite it would be made.
    server = await startTestServer({ pushAgent: new Agent({ rejectUnauthorized: false }), vapid: webpush.generateVAPIDKeys() });
    const ada = await server.guest("Ada");
    const adaSocket: ClientSocket = await server.socket(ada.cookie);
    const bob = await server.guest("Bob");
    const bobSocket = await server.socket(bob.cookie);
    const cat = await server.guest("Cat");
    const catSocket = await server.socket(cat.cookie);
    const keys = { bob: browserKeys(), cat: browserKeys() };
    const endpoints = { bob: `${push.url}/ok/${randomUUID()}`, cat: `${push.url}/ok/${randomUUID()}` };
    await ok(bobSocket.emitWithAck("push:subscribe", { endpoint: endpoints.bob, keys: keys.bob.keys }));
    await ok(catSocket.emitWithAck("push:subscribe", { endpoint: endpoints.cat, keys: keys.cat.keys }));
    catSocket.close();
    await allTabsClosed(cat.user.id);
    const to = (endpoint: string) => push.received.filter((r) => r.path === new URL(endpoint).pathname);
    return { ada, adaSocket, bob, bobSocket, cat, keys, endpoints, to };
  }

  it("a mention reaches someone with no tab open, encrypted for their browser and signed with the VAPID key; not someone with a tab open", async () => {
    const { ada, adaSocket, bob, bobSocket, cat, keys, endpoints, to } = await people();
    const { publicKey } = await ok(bobSocket.emitWithAck("push:key", {}));
    expect(publicKey).toMatch(/^[A-Za-z0-9_-]{80,}$/);
    const { room } = await ok(adaSocket.emitWithAck("room:create", { name: "Pushed" }));
    await ok(adaSocket.emitWithAck("room:join", { slug: room.slug }));

    const sent = await ok(adaSocket.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: `hello <@${bob.user.id}> and <@${cat.user.id}>` }));
    await until(() => to(endpoints.cat).length > 0, "Cat's push");
    // Both were decided together: Bob, connected, got none.
    expect(to(endpoints.bob)).toEqual([]);
    const got = to(endpoints.cat)[0]!;
    expect(got.headers["content-encoding"]).toBe("aes128gcm");
    expect(String(got.headers.authorization)).toContain(`k=${publicKey}`);
    const payload = JSON.parse(ece.decrypt(got.body, { version: "aes128gcm", privateKey: keys.cat.ecdh, authSecret: keys.cat.auth.toString("base64url") }).toString("utf8"));
    expect(payload).toEqual({ title: `${ada.user.name} in #Pushed`, body: "hello @Bob and @Cat", tag: sent.message.id, url: `/r/${room.slug}` });
  });

  it("nobody outside a private room is pushed; a subscription the push service says is gone is deleted", async () => {
    const { adaSocket, cat, keys, endpoints, to } = await people();
    const { room: secret } = await ok(adaSocket.emitWithAck("room:create", { name: "Secret", visibility: "private" }));
    await ok(adaSocket.emitWithAck("room:join", { slug: secret.slug }));
    await ok(adaSocket.emitWithAck("message:send", { roomId: secret.id, clientId: randomUUID(), body: `psst <@${cat.user.id}>` }));
    const { room } = await ok(adaSocket.emitWithAck("room:create", { name: "Open" }));
    await ok(adaSocket.emitWithAck("room:join", { slug: room.slug }));
    await ok(adaSocket.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: `hello <@${cat.user.id}>` }));
    await ok(adaSocket.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: `again <@${cat.user.id}>` }));
    await until(() => to(endpoints.cat).length >= 2, "the open room's two pushes");
    const titles = to(endpoints.cat).map((r) => JSON.parse(ece.decrypt(r.body, { version: "aes128gcm", privateKey: keys.cat.ecdh, authSecret: keys.cat.auth.toString("base64url") }).toString("utf8")).title);
    expect(titles).toEqual(["Ada in #Open", "Ada in #Open"]);

    // The push service answers 410 for Dan's browser: the subscription is deleted at the first push.
    const dan = await server.guest("Dan");
    const danSocket = await server.socket(dan.cookie);
    const gone = `${push.url}/gone/${randomUUID()}`;
    await ok(danSocket.emitWithAck("push:subscribe", { endpoint: gone, keys: browserKeys().keys }));
    expect(await withDatabase(server.databaseUrl, (db) => db.pushSubscription.count({ where: { endpoint: gone } }))).toBe(1);
    danSocket.close();
    await allTabsClosed(dan.user.id);
    await ok(adaSocket.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: `<@${dan.user.id}> are you there?` }));
    await until(() => to(gone).length > 0, "the push to the gone endpoint");
    const deadline = Date.now() + 10_000;
    while ((await withDatabase(server.databaseUrl, (db) => db.pushSubscription.count({ where: { endpoint: gone } }))) > 0) {
      if (Date.now() > deadline) throw new Error("the gone subscription was not deleted");
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it("every message of a direct conversation reaches the other person with no tab open, titled with the author alone; nobody else", async () => {
    const { ada, adaSocket, cat, bob, keys, endpoints, to } = await people();
    const id = directRoomId(ada.user.id, cat.user.id);
    await ok(adaSocket.emitWithAck("room:join", { slug: id }));
    const sent = await ok(adaSocket.emitWithAck("message:send", { roomId: id, clientId: randomUUID(), body: "are you free tonight?" }));
    await until(() => to(endpoints.cat).length > 0, "Cat's push");
    const payload = JSON.parse(ece.decrypt(to(endpoints.cat)[0]!.body, { version: "aes128gcm", privateKey: keys.cat.ecdh, authSecret: keys.cat.auth.toString("base64url") }).toString("utf8"));
    expect(payload).toEqual({ title: ada.user.name, body: "are you free tonight?", tag: sent.message.id, url: `/r/${id}` });
    // Bob, outside it, is never pushed its messages, even mentioned in it.
    await ok(adaSocket.emitWithAck("message:send", { roomId: id, clientId: randomUUID(), body: `about <@${bob.user.id}>` }));
    await until(() => to(endpoints.cat).length > 1, "Cat's second push");
    expect(to(endpoints.bob)).toEqual([]);

    // Cat blocks Ada (from a tab opened for it, then closed): Ada's mentions of Cat in a room push nothing.
    const catSocket = await server.socket(cat.cookie);
    await ok(catSocket.emitWithAck("user:block", { userId: ada.user.id, blocked: true }));
    catSocket.close();
    await allTabsClosed(cat.user.id);
    const { room } = await ok(adaSocket.emitWithAck("room:create", { name: "Open" }));
    await ok(adaSocket.emitWithAck("room:join", { slug: room.slug }));
    await ok(adaSocket.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: `hey <@${cat.user.id}>` }));
    // A mention of someone else in the same room is pushed: the block stopped Cat's alone.
    const dan = await server.guest("Dan");
    const danSocket = await server.socket(dan.cookie);
    const danEndpoint = `${push.url}/ok/${randomUUID()}`;
    await ok(danSocket.emitWithAck("push:subscribe", { endpoint: danEndpoint, keys: browserKeys().keys }));
    danSocket.close();
    await allTabsClosed(dan.user.id);
    await ok(adaSocket.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: `hey <@${dan.user.id}> and <@${cat.user.id}>` }));
    await until(() => to(danEndpoint).length > 0, "Dan's push");
    // Nothing more for Cat, even a moment later (a push to Cat would have gone with Dan's).
    await new Promise((r) => setTimeout(r, 300));
    expect(to(endpoints.cat)).toHaveLength(2);
  });

  it("refuses a subscription that is not an https endpoint with keys", async () => {
    const { bobSocket } = await people();
    expect(await bobSocket.emitWithAck("push:subscribe", { endpoint: "http://example.org/x", keys: browserKeys().keys })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect(await bobSocket.emitWithAck("push:subscribe", { endpoint: `${push.url}/ok/x` } as never)).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
  });
});
