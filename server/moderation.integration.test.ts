/**
 * Moderation over both transports: who may remove someone else's message (administrator,
 * the room's owner, its moderators: yes; members and guests: no, `forbidden`, nothing
 * changed), who may appoint moderators and change roles, the first account as the
 * administrator, and a removal reaching connected clients, history, search and a client
 * that catches up.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./test/harness";
import { clientsOf, type TransportClient } from "./test/transport-clients";

let server: TestServer;
const client = clientsOf(() => server);

describe.each(["socket.io", "ws"] as const)("moderation over %s", (transport) => {
  it("the permission matrix: removing another's message, appointing moderators, changing roles", async () => {
    server = await startTestServer({ firstAccountAdmin: true });
    // The first account is the administrator; every later one a member.
    const admin = await client(transport, "Root", { account: true });
    const owner = await client("socket.io", "Owner", { account: true });
    const made = await owner.request("room:create" as never, { name: `Town ${randomUUID().slice(0, 6)}` });
    if (!made.ok) throw new Error(made.error.message);
    const room = made.data.room as { id: string; slug: string };
    const moderator = await client(transport, "Mod", { account: true });
    const member = await client(transport, "Member", { account: true });
    const guest = await client("socket.io", "Guest");
    const eve = await client("socket.io", "Eve");
    const everyone = [admin, owner, moderator, member, guest, eve];
    for (const c of everyone) expect((await c.request("room:join", { slug: room.slug })).ok).toBe(true);

    // Appointing: the owner may; a member, a guest and the moderator-to-be may not.
    for (const c of [member, guest, moderator]) {
      expect(await c.request("room:moderator", { roomId: room.id, userId: moderator.user.id, moderator: true })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    }
    const told = moderator.next((e) => e.type === "powers.changed" && e.room === room.id);
    expect(await owner.request("room:moderator", { roomId: room.id, userId: moderator.user.id, moderator: true })).toMatchObject({ ok: true, data: { moderators: [{ id: moderator.user.id }] } });
    await told;
    // A guest cannot be made one.
    expect(await owner.request("room:moderator", { roomId: room.id, userId: guest.user.id, moderator: true })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect((await member.request("room:moderators", { roomId: room.id })).ok && true).toBe(true);

    const powers = async (c: TransportClient) => {
      const ack = await c.request("room:powers", { roomId: room.id });
      if (!ack.ok) throw new Error(ack.error.message);
      return ack.data as { moderate: boolean; appoint: boolean };
    };
    expect(await powers(admin)).toEqual({ moderate: true, appoint: true, muted: null });
    expect(await powers(owner)).toEqual({ moderate: true, appoint: true, muted: null });
    expect(await powers(moderator)).toEqual({ moderate: true, appoint: false, muted: null });
    expect(await powers(member)).toEqual({ moderate: false, appoint: false, muted: null });
    expect(await powers(guest)).toEqual({ moderate: false, appoint: false, muted: null });

    const say = async (body: string) => {
      const ack = await eve.request("message:send", { roomId: room.id, clientId: randomUUID(), body });
      if (!ack.ok) throw new Error(ack.error.message);
      return ack.data.message as { id: string; seq: number };
    };
    const remove = (c: TransportClient, messageId: string) => c.request("message:delete", { roomId: room.id, messageId, clientChangeId: randomUUID() });
    const state = async (messageId: string) => {
      const page = await eve.request("message:history", { roomId: room.id });
      return page.ok ? (page.data.messages as Array<{ id: string; deleted?: true; removed?: true; body: string }>).find((m) => m.id === messageId) : undefined;
    };

    for (const [who, c] of [["member", member], ["guest", guest]] as const) {
      const m = await say(`spam for the ${who}`);
      expect(await remove(c, m.id), who).toMatchObject({ ok: false, error: { code: "forbidden" } });
      expect(await state(m.id), who).toMatchObject({ body: `spam for the ${who}` });
      expect((await state(m.id))?.deleted, who).toBeUndefined();
    }
    for (const [who, c] of [["administrator", admin], ["owner", owner], ["moderator", moderator]] as const) {
      const m = await say(`spam for the ${who}`);
      const heard = member.next((e) => e.type === "message.changed" && e.change.messageId === m.id);
      const ack = await remove(c, m.id);
      expect(ack, who).toMatchObject({ ok: true, data: { change: { kind: "delete", actor: { id: c.user.id } } } });
      await heard;
      expect(await state(m.id), who).toMatchObject({ deleted: true, removed: true, body: "" });
    }
    // One's own deletion is not a removal.
    const own = await say("my own words");
    expect((await remove(eve, own.id)).ok).toBe(true);
    expect((await state(own.id))?.removed).toBeUndefined();

    // Dismissed: from the next request on, no more.
    expect((await owner.request("room:moderator", { roomId: room.id, userId: moderator.user.id, moderator: false })).ok).toBe(true);
    const after = await say("spam after dismissal");
    expect(await remove(moderator, after.id)).toMatchObject({ ok: false, error: { code: "forbidden" } });

    // Roles: only the administrator changes them; the last administrator stays one.
    for (const c of [owner, member, guest]) expect(await c.request("user:role", { userId: member.user.id, role: "admin" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await admin.request("user:role", { userId: admin.user.id, role: "member" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await admin.request("user:role", { userId: guest.user.id, role: "admin" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const promoted = member.next((e) => e.type === "powers.changed" && e.room === null);
    expect((await admin.request("user:role", { userId: member.user.id, role: "admin" })).ok).toBe(true);
    await promoted;
    expect(await powers(member)).toEqual({ moderate: true, appoint: true, muted: null });
    const m = await say("spam for the new administrator");
    expect((await remove(member, m.id)).ok).toBe(true);
    // Now the first administrator may step down.
    expect((await admin.request("user:role", { userId: admin.user.id, role: "member" })).ok).toBe(true);
    expect(await powers(admin)).toEqual({ moderate: false, appoint: false, muted: null });
  });
});

describe("moderation: the first account", () => {
  it("of accounts signing up at once, exactly one becomes the administrator; a guest who came first never does", async () => {
    server = await startTestServer({ firstAccountAdmin: true });
    const guest = await client("socket.io", "Early guest");
    const accounts = await Promise.all(["A", "B", "C", "D"].map((n) => client("socket.io", `Acct ${n}`, { account: true })));
    // Only an administrator may change roles: asking to be what one is answers ok for them alone.
    const isAdmin = async (c: TransportClient) => (await c.request("user:role", { userId: c.user.id, role: "admin" })).ok;
    expect((await Promise.all(accounts.map(isAdmin))).filter(Boolean)).toHaveLength(1);
    expect(await isAdmin(guest)).toBe(false);
  });

  it("with FIRST_ACCOUNT_ADMIN=false only ADMIN_USERNAMES' accounts are administrators, whenever they sign up", async () => {
    const named = `boss_${randomUUID().slice(0, 6)}`;
    server = await startTestServer({ firstAccountAdmin: false, adminUsernames: [named] });
    const first = await client("socket.io", "First", { account: true });
    const isAdmin = async (cookie: string, userId: string) => {
      const socket = await server.socket(cookie);
      const answer = await socket.emitWithAck("user:role", { userId, role: "admin" });
      socket.close();
      return answer.ok;
    };
    expect(await isAdmin(first.http.cookie!, first.user.id)).toBe(false);
    const res = await fetch(`${server.url}/api/account/sign-up`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: named.toUpperCase(), password: "boss password", displayName: "Boss" }),
    });
    expect(res.status).toBe(201);
    const boss = ((await res.json()) as { user: { id: string } }).user;
    expect(await isAdmin(res.headers.get("set-cookie")!.split(";")[0]!, boss.id)).toBe(true);
  });
});
