import { randomUUID } from "node:crypto";
import { io as connect } from "socket.io-client";
import webpush from "web-push";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_BUDGETS } from "./security/rate-limits";
import { startTestServer, withDatabase, type TestServer } from "./test/harness";

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

async function post(path: string, body: unknown, cookie?: string) {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const setCookie = res.headers.get("set-cookie");
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, cookie: setCookie?.split(";")[0] };
}

const me = async (cookie: string) => (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json();

describe("accounts", () => {
  it("creates an account, signs in and out, and refuses a wrong password", async () => {
    server = await startTestServer();
    const created = await post("/api/account/sign-up", { username: "Ada_L", password: "correct horse", displayName: "Ada Lovelace" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ user: { name: "Ada Lovelace" }, account: { guest: false, username: "Ada_L" } });
    expect(await me(created.cookie!)).toMatchObject({ account: { guest: false, username: "Ada_L" } });

    const wrong = await post("/api/account/sign-in", { username: "ada_l", password: "wrong horse" });
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: "invalid_credentials", message: "Wrong username or password." } } });
    const unknown = await post("/api/account/sign-in", { username: "nobody", password: "whatever1" });
    expect(unknown.body).toEqual(wrong.body); // no hint whether the username exists

    const signedIn = await post("/api/account/sign-in", { username: "ADA_L", password: "correct horse" });
    expect(signedIn.status).toBe(200);
    expect((signedIn.body.user as { id: string }).id).toBe((created.body.user as { id: string }).id);

    const out = await fetch(`${server.url}/api/session`, { method: "DELETE", headers: { cookie: signedIn.cookie! } });
    expect(out.status).toBe(204);
    expect((await fetch(`${server.url}/api/session`, { headers: { cookie: signedIn.cookie! } })).status).toBe(401);
  });

  it("refuses a taken username, a weak password and a bad username with clear reasons", async () => {
    server = await startTestServer();
    await post("/api/account/sign-up", { username: "grace", password: "hopper1906" });
    expect(await post("/api/account/sign-up", { username: "Grace", password: "another-pass" })).toMatchObject({
      status: 409,
      body: { error: { code: "username_taken" } },
    });
    expect(await post("/api/account/sign-up", { username: "alan", password: "short" })).toMatchObject({
      status: 400,
      body: { error: { code: "invalid_payload", message: "Passwords have at least 8 characters" } },
    });
    expect(await post("/api/account/sign-up", { username: "no spaces!", password: "long enough" })).toMatchObject({
      status: 400,
      body: { error: { message: "Usernames use letters, digits, dots and underscores only" } },
    });
  });

  it("a guest who creates an account keeps their user, name and history", async () => {
    // Web Push on, with the test's exception for endpoints (nothing is pushed here).
    server = await startTestServer({ pushEndpoints: { testOnlyAllowLocal: true }, vapid: webpush.generateVAPIDKeys() });
    const { cookie, user } = await server.guest("Guest Ada");
    const socket = await server.socket(cookie);
    const room = await socket.emitWithAck("room:create", { name: "Lab" });
    if (!room.ok) throw new Error("room");
    await socket.emitWithAck("message:send", { roomId: room.data.room.id, clientId: randomUUID(), body: "written as a guest" });

    expect((await socket.emitWithAck("push:subscribe", { endpoint: "https://127.0.0.1:9/guest-browser", keys: { p256dh: "k", auth: "a" } })).ok).toBe(true);

    const upgraded = await post("/api/account/sign-up", { username: "ada", password: "analytical" }, cookie);
    expect(upgraded.status).toBe(201);
    expect(upgraded.body).toEqual({ user, account: { guest: false, username: "ada", admin: false } });
    // A new session for the account: the guest's token no longer works (a shared device may
    // have seen it); the open socket carries on, and the browser's push subscription moves.
    expect(upgraded.cookie).toBeDefined();
    expect(upgraded.cookie).not.toBe(cookie);
    expect(await me(upgraded.cookie!)).toEqual({ user, account: { guest: false, username: "ada", admin: false } });
    expect((await fetch(`${server.url}/api/session`, { headers: { cookie } })).status).toBe(401);
    expect(socket.connected).toBe(true);
    const subs = await withDatabase(server.databaseUrl, (db) => db.pushSubscription.findMany({ where: { userId: user.id }, include: { session: true } }));
    expect(subs.map((s) => s.session.userId)).toEqual([user.id]);
    expect((await socket.emitWithAck("room:list", {})).ok).toBe(true);

    const again = await post("/api/account/sign-in", { username: "ada", password: "analytical" });
    expect((again.body.user as { id: string }).id).toBe(user.id);
    const history = await socket.emitWithAck("message:history", { roomId: room.data.room.id });
    expect(history.ok && history.data.messages.map((m) => [m.author, m.body])).toEqual([[user, "written as a guest"]]);
  });

  it("throttles password guessing on one username", async () => {
    server = await startTestServer({ security: { rateLimitScale: 1 } });
    await post("/api/account/sign-up", { username: "target", password: "real password" });
    const statuses = [];
    for (let i = 0; i <= DEFAULT_BUDGETS.passwordPerUsername.points; i++) {
      statuses.push((await post("/api/account/sign-in", { username: "target", password: `guess ${i}` })).status);
    }
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // Even the right password waits now.
    expect((await post("/api/account/sign-in", { username: "TARGET", password: "real password" })).status).toBe(429);
  });
});

describe("changing one's password and name", () => {
  it("a new password: the current one is checked, other sessions end, this one stays; guests have none", async () => {
    server = await startTestServer();
    const here = await post("/api/account/sign-up", { username: "mover", password: "old password" });
    const elsewhere = await post("/api/account/sign-in", { username: "mover", password: "old password" });
    const otherTab = await server.socket(elsewhere.cookie!);
    const otherClosed = new Promise<string>((resolve) => otherTab.on("disconnect", resolve));
    const thisTab = await server.socket(here.cookie!);
    let thisClosed = false;
    thisTab.on("disconnect", () => (thisClosed = true));

    expect(await post("/api/account/password", { currentPassword: "old password", newPassword: "short" }, here.cookie)).toMatchObject({ status: 400, body: { error: { code: "invalid_payload" } } });
    expect(await post("/api/account/password", { currentPassword: "wrong", newPassword: "a new password" }, here.cookie)).toMatchObject({
      status: 401,
      body: { error: { code: "invalid_credentials", message: "Your current password is not right." } },
    });
    expect((await post("/api/account/password", { currentPassword: "old password", newPassword: "a new password" })).status).toBe(401);
    const changed = await post("/api/account/password", { currentPassword: "old password", newPassword: "a new password" }, here.cookie);
    expect(changed).toMatchObject({ status: 200, body: { ended: 1 } });
    // The other browser is signed out (its tab closed by the session sweep); this one stays.
    expect(await otherClosed).toBe("io server disconnect");
    expect((await fetch(`${server.url}/api/session`, { headers: { cookie: elsewhere.cookie! } })).status).toBe(401);
    expect(await me(here.cookie!)).toMatchObject({ account: { username: "mover" } });
    expect(thisClosed).toBe(false);
    expect((await post("/api/account/sign-in", { username: "mover", password: "old password" })).status).toBe(401);
    expect((await post("/api/account/sign-in", { username: "mover", password: "a new password" })).status).toBe(200);
    // A guest has no password.
    const guest = await server.guest("Gus");
    expect((await post("/api/account/password", { currentPassword: "x", newPassword: "a new password" }, guest.cookie)).status).toBe(403);
  });

  it("guessing the current password spends the sign-in budget of that account", async () => {
    server = await startTestServer({ security: { rateLimitScale: 1 } });
    const here = await post("/api/account/sign-up", { username: "guessed", password: "old password" });
    const statuses: number[] = [];
    for (let i = 0; i <= DEFAULT_BUDGETS.passwordPerUsername.points; i++) {
      statuses.push((await post("/api/account/password", { currentPassword: `guess ${i}`, newPassword: "another password" }, here.cookie)).status);
    }
    expect(statuses.slice(0, -1).every((status) => status === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it("a new display name: checked, stored, and everyone in the room sees it in the presence list without reconnecting", async () => {
    server = await startTestServer();
    const ada = await server.guest("Ada");
    const bob = await server.guest("Bob");
    const adaTab = await server.socket(ada.cookie);
    const adaOther = await server.socket(ada.cookie);
    const bobTab = await server.socket(bob.cookie);
    const created = await adaTab.emitWithAck("room:create", { name: `Plaza ${randomUUID().slice(0, 6)}`, visibility: "public" });
    if (!created.ok) throw new Error(created.error.message);
    for (const tab of [adaTab, bobTab]) await tab.emitWithAck("room:join", { slug: created.data.room.slug });
    expect(await adaTab.emitWithAck("account:name", { name: "   " })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect(await adaTab.emitWithAck("account:name", { name: "x".repeat(200) })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    const seen = new Promise<string[]>((resolve) =>
      bobTab.on("presence:changed", ({ online }: { online: Array<{ id: string; name: string }> }) => {
        if (online.some((u) => u.name === "Ada Lovelace")) resolve(online.map((u) => u.name));
      }),
    );
    const told = new Promise<string>((resolve) => adaOther.on("profile:changed", ({ user }: { user: { name: string } }) => resolve(user.name)));
    expect(await adaTab.emitWithAck("account:name", { name: "  Ada \t Lovelace " })).toEqual({ ok: true, data: { user: { id: ada.user.id, name: "Ada Lovelace" } } });
    expect((await seen).sort()).toEqual(["Ada Lovelace", "Bob"]);
    expect(await told).toBe("Ada Lovelace");
    expect(await me(ada.cookie)).toMatchObject({ user: { name: "Ada Lovelace" } });
    // What she writes next carries the new name.
    const sent = await adaTab.emitWithAck("message:send", { roomId: created.data.room.id, clientId: randomUUID(), body: "renamed" });
    expect(sent).toMatchObject({ ok: true, data: { message: { author: { name: "Ada Lovelace" } } } });
  });
});

describe("revoked sessions", () => {
  it("closes a session's sockets within seconds when it is revoked elsewhere", async () => {
    server = await startTestServer();
    const { cookie } = await server.guest("Ada");
    const socket = await server.socket(cookie);
    const closed = new Promise<string>((resolve) => socket.on("disconnect", resolve));
    const started = Date.now();
    await withDatabase(server.databaseUrl, (db) => db.session.deleteMany());
    expect(await closed).toBe("io server disconnect");
    expect(Date.now() - started).toBeLessThan(7_000);
  }, 10_000);
});

describe("connection state recovery", () => {
  /** A reconnecting socket that has seen a broadcast, so that a dropped connection can be recovered. */
  async function recoverableSocket(cookie: string) {
    const socket = connect(server.url, { extraHeaders: { cookie }, transports: ["websocket"], forceNew: true, reconnectionDelay: 300 });
    await new Promise<void>((r) => socket.once("connect", () => r()));
    const created = await socket.emitWithAck("room:create", { name: `Recoverable ${randomUUID().slice(0, 4)}` });
    const joined = new Promise((r) => socket.once("presence:changed", r));
    await socket.emitWithAck("room:join", { slug: created.ok ? created.data.room.slug : "" });
    await joined;
    return socket;
  }

  it("recovers a socket whose session is still valid", async () => {
    server = await startTestServer({ recoveryWindowMs: 60_000 });
    const socket = await recoverableSocket((await server.guest("Ada")).cookie);
    const back = new Promise<boolean>((resolve) => socket.once("connect", () => resolve(socket.recovered)));
    socket.io.engine.close();
    expect(await back).toBe(true);
    socket.close();
  });

  it("with RECOVERY_WINDOW_MS=0 nothing is recovered, and no broadcast is kept for a replay", async () => {
    server = await startTestServer({ recoveryWindowMs: 0 });
    const socket = await recoverableSocket((await server.guest("Ada")).cookie);
    // The in-process adapter keeps every room broadcast only when recovery is on.
    expect((server.io.of("/").adapter as unknown as { packets?: unknown[] }).packets).toBeUndefined();
    const back = new Promise<boolean>((resolve) => socket.once("connect", () => resolve(socket.recovered)));
    socket.io.engine.close();
    // socket.io-client leaves `recovered` unset when the server offers no recovery at all.
    expect(await back).not.toBe(true);
    socket.close();
  });

  it("does not recover a socket into a private room its user was removed from meanwhile: no replay, a fresh connection", async () => {
    server = await startTestServer({ recoveryWindowMs: 60_000 });
    const owner = await server.guest("Owner");
    const ownerSocket = await server.socket(owner.cookie);
    const created = await ownerSocket.emitWithAck("room:create", { name: "Private", visibility: "private" });
    if (!created.ok) throw new Error(created.error.message);
    const { room } = created.data;
    await ownerSocket.emitWithAck("room:join", { slug: room.slug });
    const invite = await ownerSocket.emitWithAck("room:invite", { roomId: room.id });
    const eve = await server.guest("Eve");
    const socket = connect(server.url, { extraHeaders: { cookie: eve.cookie }, transports: ["websocket"], forceNew: true, reconnectionDelay: 300 });
    await new Promise<void>((r) => socket.once("connect", () => r()));
    const joined = new Promise((r) => socket.once("presence:changed", r));
    expect((await socket.emitWithAck("room:join", { slug: room.slug, invite: invite.ok ? invite.data.token : "" })).ok).toBe(true);
    await joined;
    const heard: string[] = [];
    socket.on("message:created", (m) => heard.push(m.body));
    await ownerSocket.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "before" });
    await new Promise<void>((r) => (heard.length > 0 ? r() : socket.once("message:created", () => r())));

    // Eve's connection drops; while she is away she is removed, and the room talks on.
    const gone = new Promise((r) => socket.once("disconnect", r));
    socket.io.reconnection(false);
    socket.io.engine.close();
    await gone;
    // The server has seen it go too (and kept its session, with the room, for recovery).
    while ((await server.io.in(`user:${eve.user.id}`).fetchSockets()).length > 0) await new Promise((r) => setTimeout(r, 20));
    await ownerSocket.emitWithAck("room:remove-member", { roomId: room.id, userId: eve.user.id });
    await ownerSocket.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "secret after removal" });
    const back = new Promise<boolean>((resolve) => socket.once("connect", () => resolve(socket.recovered)));
    socket.io.reconnection(true);
    socket.connect();
    expect(await back).toBe(false);
    // A marker Eve may hear, sent after: by then the secret would have been replayed.
    const marker = await ownerSocket.emitWithAck("room:create", { name: "Open" });
    if (!marker.ok) throw new Error(marker.error.message);
    await socket.emitWithAck("room:join", { slug: marker.data.room.slug });
    await ownerSocket.emitWithAck("room:join", { slug: marker.data.room.slug });
    await ownerSocket.emitWithAck("message:send", { roomId: marker.data.room.id, clientId: randomUUID(), body: "marker" });
    while (!heard.includes("marker")) await new Promise((r) => setTimeout(r, 20));
    expect(heard).toEqual(["before", "marker"]);
    socket.close();
  });

  it("checks a recovering socket's session again: a session revoked meanwhile is refused", async () => {
    server = await startTestServer({ recoveryWindowMs: 60_000 });
    const socket = await recoverableSocket((await server.guest("Ada")).cookie);
    const refused = new Promise<{ data?: { code?: string } }>((resolve) => socket.once("connect_error", resolve));
    socket.io.engine.close();
    await withDatabase(server.databaseUrl, (db) => db.session.deleteMany());
    expect((await refused).data?.code).toBe("unauthorized");
    socket.close();
  });
});
