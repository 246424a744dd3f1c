/**
 * A ban holds the public addresses the banned person used, over both transports: the address
 * is Parley's own reading of the client (here behind a trusted hop that reports it in
 * X-Forwarded-For, TRUST_PROXY "loopback"), noted at sign-up, sign-in and each connection.
 * While the ban holds them, no new guest and no new account comes from them; someone else's
 * account still signs in there; private and loopback addresses are never held; lifting the
 * ban lets guests in again.
 */
import { randomUUID } from "node:crypto";
import { io as connect } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { TestBot } from "./test/bot-client";
import { startTestServer, type ClientSocket, type TestServer } from "./test/harness";

let server: TestServer | undefined;
const closers: Array<() => void> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c();
  await server?.close();
  server = undefined;
});

const SIGNED_UP = "203.0.113.9"; // where the troll signed up
const CONNECTED = "198.51.100.20"; // where only their connection came from
const PRIVATE = "10.1.2.3"; // their office network: shared, never held
const ELSEWHERE = "198.51.100.77";

const json = (body: unknown, from?: string) => ({
  method: "POST",
  headers: { "Content-Type": "application/json", ...(from ? { "X-Forwarded-For": from } : {}) },
  body: JSON.stringify(body),
});
const cookieOf = (res: Response) => res.headers.get("set-cookie")!.split(";")[0]!;
const guestFrom = (from?: string) => fetch(`${server!.url}/api/session`, json({ displayName: "Newcomer" }, from));
const signUpFrom = (username: string, from?: string) => fetch(`${server!.url}/api/account/sign-up`, json({ username, password: "a long password", displayName: username }, from));

function socketFrom(cookie: string, from: string): Promise<ClientSocket> {
  const socket: ClientSocket = connect(server!.url, { extraHeaders: { cookie, "X-Forwarded-For": from }, transports: ["websocket"], reconnection: false, forceNew: true });
  closers.push(() => socket.close());
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

describe.each(["socket.io", "ws"] as const)("a ban's hold on addresses (connection over %s)", (transport) => {
  it("no new guest or account from the addresses the banned person used, until the ban is lifted; private ones and other people's sign-ins are untouched", async () => {
    server = await startTestServer({ firstAccountAdmin: true, security: { rateLimitScale: 1000, trustProxy: "loopback" } });
    const admin = await signUpFrom(`root_${randomUUID().slice(0, 6)}`);
    expect(admin.status).toBe(201);
    const adminSocket = await server.socket(cookieOf(admin));
    const bystander = `ada_${randomUUID().slice(0, 6)}`;
    expect((await signUpFrom(bystander, ELSEWHERE)).status).toBe(201);

    // The troll signs up from one address, connects from another (and from a private one).
    const trollName = `troll_${randomUUID().slice(0, 6)}`;
    const troll = await signUpFrom(trollName, SIGNED_UP);
    expect(troll.status).toBe(201);
    const trollId = ((await troll.clone().json()) as { user: { id: string } }).user.id;
    const trollCookie = cookieOf(troll);
    await socketFrom(trollCookie, PRIVATE);
    if (transport === "socket.io") await socketFrom(trollCookie, CONNECTED);
    else {
      const tab = await server.socket(trollCookie);
      closers.push(() => tab.close());
      const made = await tab.emitWithAck("token:create", { name: "troll bot" });
      if (!made.ok) throw new Error(made.error.message);
      const bot = await TestBot.open(server.url, { authorization: `Bearer ${made.data.token}`, "x-forwarded-for": CONNECTED });
      closers.push(() => bot.close());
      await bot.next((f) => f.type === "hello");
    }
    // Before the ban, anyone may arrive from there.
    expect((await guestFrom(SIGNED_UP)).status).toBe(201);

    const banned = await adminSocket.emitWithAck("user:ban", { userId: trollId, minutes: 120, reason: "spam waves" });
    expect(banned).toMatchObject({ ok: true });

    // Held: the address they signed up from and the one they connected from, for guests and new accounts.
    for (const from of [SIGNED_UP, CONNECTED]) {
      const refused = await guestFrom(from);
      expect(refused.status, from).toBe(403);
      expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "forbidden", message: expect.stringContaining("after a ban") });
      expect((await signUpFrom(`again_${randomUUID().slice(0, 6)}`, from)).status, from).toBe(403);
    }
    // Not held: a private address, loopback, anywhere else; and an existing account signs in from a held one.
    for (const from of [PRIVATE, undefined, ELSEWHERE]) expect((await guestFrom(from)).status, from ?? "loopback").toBe(201);
    const bystanderIn = await fetch(`${server.url}/api/account/sign-in`, json({ username: bystander, password: "a long password" }, SIGNED_UP));
    expect(bystanderIn.status).toBe(200);
    // The address the client wrote itself is not the one read: forging a held one from elsewhere changes nothing.
    expect((await guestFrom(`${SIGNED_UP}, ${ELSEWHERE}`)).status).toBe(201);

    // The audit log says how many addresses the ban holds (the private one is not among them).
    const log = await adminSocket.emitWithAck("audit:list", { limit: 5 });
    if (!log.ok) throw new Error(log.error.message);
    expect(log.data.entries.find((e: { action: string }) => e.action === "user.ban")).toMatchObject({ detail: { addresses: 2 } });

    // Lifted: guests may come from there again.
    expect(await adminSocket.emitWithAck("user:unban", { userId: trollId })).toMatchObject({ ok: true, data: { lifted: true } });
    for (const from of [SIGNED_UP, CONNECTED]) expect((await guestFrom(from)).status, from).toBe(201);
  });
});
