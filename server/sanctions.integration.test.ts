/**
 * Mutes, kicks and bans over both transports: the permission matrix (administrator, the
 * room's owner, a moderator, a member, a guest, someone muted), what a mute stops and what it
 * does not, a kick keeping someone out of a public room and ending a private room's
 * membership, a ban closing every connection of the account at once and refusing it a
 * session, and the audit log that records each of them.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { TestBot } from "./test/bot-client";
import { startTestServer, type TestServer } from "./test/harness";
import { clientsOf, TEST_PASSWORD, type TestAck, type TransportClient } from "./test/transport-clients";

let server: TestServer;
const client = clientsOf(() => server);

const FORBIDDEN = { ok: false, error: { code: "forbidden" } };

async function created(c: TransportClient, name: string, visibility: "public" | "private" = "public"): Promise<{ id: string; slug: string }> {
  const made = await c.request("room:create" as never, { name: `${name} ${randomUUID().slice(0, 6)}`, visibility });
  if (!made.ok) throw new Error(made.error.message);
  return made.data.room as { id: string; slug: string };
}

const send = (c: TransportClient, roomId: string, body = "hello") => c.request("message:send", { roomId, clientId: randomUUID(), body });

async function sent(c: TransportClient, roomId: string, body = "hello"): Promise<{ id: string; seq: number }> {
  const ack = await send(c, roomId, body);
  if (!ack.ok) throw new Error(ack.error.message);
  return ack.data.message as { id: string; seq: number };
}

function ok(ack: TestAck): TestAck & { ok: true } {
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack;
}

const signIn = (username: string) =>
  fetch(`${server.url}/api/account/sign-in`, { method: "POST", headers: { "content-type": "application/json", origin: server.url }, body: JSON.stringify({ username, password: TEST_PASSWORD }) });

describe.each(["socket.io", "ws"] as const)("sanctions over %s", (transport) => {
  it("mutes: who may mute whom, in a room and everywhere; a muted person reads but cannot send, edit, react, upload or create", async () => {
    server = await startTestServer({ firstAccountAdmin: true });
    const admin = await client(transport, "Root", { account: true });
    const owner = await client("socket.io", "Owner", { account: true });
    const room = await created(owner, "Town");
    const other = await created(owner, "Elsewhere");
    const moderator = await client(transport, "Mod", { account: true });
    const member = await client(transport, "Member", { account: true });
    const guest = await client("socket.io", "Guest");
    const everyone = [admin, owner, moderator, member, guest];
    for (const c of everyone) ok(await c.request("room:join", { slug: room.slug }));
    ok(await owner.request("room:moderator", { roomId: room.id, userId: moderator.user.id, moderator: true }));
    const mute = (by: TransportClient, who: TransportClient, roomId: string | null = room.id) => by.request("user:mute", { userId: who.user.id, roomId, minutes: 30, reason: "calm down" });

    // Refused: a member or a guest muting anyone; a moderator muting the owner, an
    // administrator or themselves; the owner muting an administrator; a moderator muting
    // on the whole instance. Nothing changes: the person can still write.
    const refused: Array<[string, TransportClient, TransportClient, string | null]> = [
      ["member mutes guest", member, guest, room.id],
      ["guest mutes member", guest, member, room.id],
      ["moderator mutes owner", moderator, owner, room.id],
      ["moderator mutes admin", moderator, admin, room.id],
      ["moderator mutes self", moderator, moderator, room.id],
      ["owner mutes admin", owner, admin, room.id],
      ["moderator mutes everywhere", moderator, member, null],
      ["owner mutes everywhere", owner, member, null],
    ];
    for (const [what, by, who, roomId] of refused) expect(await mute(by, who, roomId), what).toMatchObject(FORBIDDEN);
    for (const c of [member, guest, owner, moderator]) ok(await send(c, room.id, "still here"));

    // The moderator mutes the member in this room: they hear it, their powers say so.
    const told = member.next((e) => e.type === "powers.changed" && e.room === room.id);
    const muted = ok(await mute(moderator, member));
    expect(muted.data.mute).toMatchObject({ reason: "calm down", scope: "room" });
    await told;
    expect(ok(await member.request("room:powers", { roomId: room.id })).data).toMatchObject({ moderate: false, muted: { scope: "room", reason: "calm down" } });
    // Muted: no message, edit or reaction here; taking back one's own words stays allowed.
    const earlier = await sent(member, other.id, "said before"); // in the other room, where they are not muted
    const before = await sent(guest, room.id, "react to me");
    const mine = await (async () => {
      ok(await owner.request("user:unmute", { userId: member.user.id, roomId: room.id }));
      const m = await sent(member, room.id, "my words");
      ok(await moderator.request("user:mute", { userId: member.user.id, roomId: room.id, minutes: 30 }));
      return m;
    })();
    const bodyBefore = ok(await owner.request("message:history", { roomId: room.id })).data.messages.length;
    expect(await send(member, room.id, "let me speak")).toMatchObject(FORBIDDEN);
    expect((await send(member, room.id, "let me speak")) as TestAck).toMatchObject({ error: { message: expect.stringContaining("muted") } });
    expect(await member.request("message:edit", { roomId: room.id, messageId: mine.id, clientChangeId: randomUUID(), body: "edited" })).toMatchObject(FORBIDDEN);
    expect(await member.request("reaction:add", { roomId: room.id, messageId: before.id, clientChangeId: randomUUID(), emoji: "👍" })).toMatchObject(FORBIDDEN);
    expect(ok(await owner.request("message:history", { roomId: room.id })).data.messages.length).toBe(bodyBefore);
    // They still read, and still write elsewhere.
    expect(ok(await member.request("message:history", { roomId: room.id })).data.messages.length).toBe(bodyBefore);
    ok(await send(member, other.id, "elsewhere is fine"));
    ok(await member.request("message:delete", { roomId: room.id, messageId: mine.id, clientChangeId: randomUUID() }));
    expect(earlier.id).toBeTruthy();

    // Unmuted (by the owner): they speak again, and hear that it changed.
    const freed = member.next((e) => e.type === "powers.changed" && e.room === room.id);
    expect(ok(await owner.request("user:unmute", { userId: member.user.id, roomId: room.id })).data).toEqual({ lifted: true });
    await freed;
    expect(ok(await member.request("room:powers", { roomId: room.id })).data.muted).toBeNull();
    ok(await send(member, room.id, "thank you"));

    // Everywhere, by an administrator: every room, new rooms, direct messages and uploads.
    const everywhere = member.next((e) => e.type === "powers.changed" && e.room === null);
    ok(await mute(admin, member, null));
    await everywhere;
    expect(await send(member, other.id)).toMatchObject(FORBIDDEN);
    // (Rooms are made over Socket.IO only: `/ws` has no room:create.)
    if (transport === "socket.io") expect(await member.request("room:create" as never, { name: "Mine" })).toMatchObject(FORBIDDEN);
    const pair = [member.user.id, owner.user.id].sort().join(".");
    expect(await send(member, `dm.${pair}`)).toMatchObject(FORBIDDEN);
    const upload = await fetch(`${server.url}/api/files/${randomUUID()}?name=a.txt`, { method: "PUT", headers: { ...member.http, origin: server.url, "content-type": "application/octet-stream" }, body: "hello" });
    expect(upload.status).toBe(403);
    expect(ok(await member.request("room:powers", { roomId: other.id })).data.muted).toMatchObject({ scope: "instance" });
    ok(await admin.request("user:unmute", { userId: member.user.id, roomId: null }));
    ok(await send(member, other.id, "free again"));

    // The room's moderators see its mutes; members do not.
    ok(await mute(moderator, guest));
    expect(ok(await moderator.request("sanctions:list", { roomId: room.id })).data.sanctions).toEqual([
      expect.objectContaining({ user: expect.objectContaining({ id: guest.user.id }), kind: "mute", roomId: room.id, reason: "calm down" }),
    ]);
    expect(await member.request("sanctions:list", { roomId: room.id })).toMatchObject(FORBIDDEN);
    expect(await moderator.request("sanctions:list", { roomId: null })).toMatchObject(FORBIDDEN);

    // Every action is audited; only administrators read the log.
    expect(await owner.request("audit:list", {})).toMatchObject(FORBIDDEN);
    const log = ok(await admin.request("audit:list", {})).data.entries as Array<{ action: string; actorName: string; target: { id: string } | null; room: { id: string } | null }>;
    const actions = log.map((e) => e.action);
    expect(actions.filter((a) => a === "user.mute")).toHaveLength(4);
    expect(actions.filter((a) => a === "user.unmute")).toHaveLength(3);
    expect(actions).toContain("room.moderator.appoint");
    expect(log[0]).toMatchObject({ action: "user.mute", actorName: "Mod", target: { id: guest.user.id }, room: { id: room.id } });
  });

  it("kicks: out of a public room until the time is up, out of a private room's members; the connection loses the room at once", async () => {
    server = await startTestServer({ firstAccountAdmin: true });
    const admin = await client("socket.io", "Root", { account: true });
    const owner = await client("socket.io", "Owner", { account: true });
    const moderator = await client(transport, "Mod", { account: true });
    const member = await client(transport, "Member", { account: true });
    const room = await created(owner, "Square");
    for (const c of [admin, owner, moderator, member]) ok(await c.request("room:join", { slug: room.slug }));
    ok(await owner.request("room:moderator", { roomId: room.id, userId: moderator.user.id, moderator: true }));

    for (const [what, by, who] of [["member kicks moderator", member, moderator], ["moderator kicks owner", moderator, owner], ["owner kicks admin", owner, admin]] as const) {
      expect(await by.request("room:kick", { roomId: room.id, userId: who.user.id }), what).toMatchObject(FORBIDDEN);
    }
    ok(await send(moderator, room.id, "still in"));

    const revoked = member.next((e) => e.type === "access.revoked" && e.roomId === room.id);
    const told = member.next((e) => e.type === "room.removed" && e.room === room.id);
    const kicked = ok(await moderator.request("room:kick", { roomId: room.id, userId: member.user.id, minutes: 10, reason: "spam" }));
    expect(new Date(kicked.data.until).getTime()).toBeGreaterThan(Date.now() + 9 * 60_000);
    await revoked;
    // Told why and until when, on either transport.
    expect(await told).toMatchObject({ until: kicked.data.until, message: expect.stringMatching(/^A moderator removed you from .* until .*\. Reason: spam$/) });
    // Out: no joining, reading or writing there until the time is up.
    expect(await member.request("room:join", { slug: room.slug })).toMatchObject({ ok: false, error: { code: "forbidden", message: expect.stringContaining("removed you") } });
    expect(await member.request("message:history", { roomId: room.id })).toMatchObject(FORBIDDEN);
    expect(await send(member, room.id, "back door")).toMatchObject(FORBIDDEN);
    // Let back in early.
    expect(ok(await owner.request("room:unkick", { roomId: room.id, userId: member.user.id })).data).toEqual({ lifted: true });
    ok(await member.request("room:join", { slug: room.slug }));
    ok(await send(member, room.id, "sorry"));

    // A private room: the kick ends the membership; an older invite does not bring them back.
    const secret = await created(owner, "Back room", "private");
    const invite = ok(await owner.request("room:invite" as never, { roomId: secret.id })).data.token as string;
    ok(await member.request("room:join", { slug: secret.slug, invite }));
    ok(await moderator.request("room:join", { slug: secret.slug, invite }));
    ok(await owner.request("room:moderator", { roomId: secret.id, userId: moderator.user.id, moderator: true }));
    const gone = member.next((e) => e.type === "access.revoked" && e.roomId === secret.id);
    ok(await moderator.request("room:kick", { roomId: secret.id, userId: member.user.id }));
    await gone;
    expect((await member.request("room:join", { slug: secret.slug, invite })).ok).toBe(false);
    const members = ok(await owner.request("room:members" as never, { roomId: secret.id })).data.members as Array<{ id: string }>;
    expect(members.map((m) => m.id)).not.toContain(member.user.id);
  });

  it("bans: only administrators; every connection of the account is told and closed at once, its sessions and tokens end, sign-in is refused until lifted", async () => {
    server = await startTestServer({ firstAccountAdmin: true });
    const admin = await client(transport, "Root", { account: true });
    const owner = await client("socket.io", "Owner", { account: true });
    const target = await client(transport, "Troll", { account: true });
    const room = await created(owner, "Plaza");
    for (const c of [admin, owner, target]) ok(await c.request("room:join", { slug: room.slug }));

    // The same account's browser session too (a second tab), over Socket.IO.
    const signedIn = await signIn(target.username!);
    expect(signedIn.status).toBe(200);
    const tab = await server.socket(signedIn.headers.get("set-cookie")!.split(";")[0]!);
    const tabClosed = new Promise<string>((resolve) => tab.on("disconnect", resolve));
    const tabTold = new Promise<{ message: string }>((resolve) => tab.on("account:closed", resolve));

    expect(await owner.request("user:ban", { userId: target.user.id, minutes: null, reason: "abuse" })).toMatchObject(FORBIDDEN);
    expect(await admin.request("user:ban", { userId: admin.user.id, minutes: null })).toMatchObject(FORBIDDEN);
    ok(await send(target, room.id, "not banned yet"));

    const started = Date.now();
    const told = target.next((e) => e.type === "account.closed");
    const ban = ok(await admin.request("user:ban", { userId: target.user.id, minutes: 60, reason: "abuse" }));
    expect(ban.data.sessions).toBeGreaterThanOrEqual(2);
    const notice = await told;
    expect(notice).toMatchObject({ type: "account.closed", reason: "banned", message: expect.stringContaining("banned") });
    const closed = await target.closed;
    if (transport === "ws") expect(closed).toMatchObject({ code: 4403 });
    expect(await tabTold).toMatchObject({ message: expect.stringContaining("abuse") });
    expect(await tabClosed).toBe("io server disconnect");
    expect(Date.now() - started).toBeLessThan(5000);

    // No way back in: the old cookie and token are dead, a new sign-in is refused.
    await expect(server.socket(signedIn.headers.get("set-cookie")!.split(";")[0]!)).rejects.toThrow();
    if (target.http.authorization) await expect(TestBot.open(server.url, target.http)).rejects.toThrow("HTTP 401");
    const refused = await signIn(target.username!);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("banned");

    // Lifted: they may sign in again (their old sessions stay ended).
    expect(ok(await admin.request("user:unban", { userId: target.user.id })).data).toEqual({ lifted: true });
    expect((await signIn(target.username!)).status).toBe(200);
    const log = ok(await admin.request("audit:list", { limit: 10 })).data.entries as Array<{ action: string; reason: string; detail: Record<string, unknown> }>;
    expect(log.slice(0, 2).map((e) => e.action)).toEqual(["user.unban", "user.ban"]);
    expect(log[1]).toMatchObject({ reason: "abuse", detail: { sessions: ban.data.sessions } });
  });
});
