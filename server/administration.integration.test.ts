/**
 * The administration page's requests over both transports: the instance's people (searched,
 * with roles, bans and mutes in force) and every room (private ones included, never direct
 * conversations) for administrators only; an administrator deletes anyone's room (audited),
 * a member only their own.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { directRoomId } from "./contract/direct";
import { startTestServer, type TestServer } from "./test/harness";
import { clientsOf, createdRoom, FORBIDDEN, ok, TEST_PASSWORD, type TransportClient } from "./test/transport-clients";

let server: TestServer;
const client = clientsOf(() => server);


const created = createdRoom;

describe.each(["socket.io", "ws"] as const)("administration over %s", (transport) => {
  it("people and rooms: administrators only; search, roles, bans and mutes in force; private rooms listed, direct conversations not", async () => {
    server = await startTestServer({ firstAccountAdmin: true });
    const admin = await client(transport, "Root", { account: true });
    const member = await client(transport, "Member Mae", { account: true });
    const guest = await client("socket.io", "Gus the Guest");
    const troll = await client("socket.io", "Troll", { account: true });

    for (const c of [member, guest]) {
      expect(await c.request("users:list" as never, {})).toMatchObject(FORBIDDEN);
      expect(await c.request("rooms:all" as never, {})).toMatchObject(FORBIDDEN);
    }
    const everyone = ok(await admin.request("users:list" as never, {})).data.people as Array<Record<string, unknown>>;
    expect(everyone.map((p) => p.id)).toEqual([troll.user.id, guest.user.id, member.user.id, admin.user.id]);
    expect(everyone.find((p) => p.id === admin.user.id)).toMatchObject({ name: "Root", role: "admin", guest: false, username: admin.username, banned: null, muted: null });
    expect(everyone.find((p) => p.id === guest.user.id)).toMatchObject({ role: "member", guest: true, username: null });
    // Searched by name (case ignored) and by username.
    expect((ok(await admin.request("users:list" as never, { query: "mAE" })).data.people as Array<{ id: string }>).map((p) => p.id)).toEqual([member.user.id]);
    expect((ok(await admin.request("users:list" as never, { query: troll.username! })).data.people as Array<{ id: string }>).map((p) => p.id)).toEqual([troll.user.id]);
    expect((ok(await admin.request("users:list" as never, { offset: 1, limit: 2 })).data.people as Array<{ id: string }>).map((p) => p.id)).toEqual([guest.user.id, member.user.id]);
    // A ban and an instance-wide mute show on their rows.
    ok(await admin.request("user:mute", { userId: member.user.id, roomId: null, minutes: 30, reason: "cool off" }));
    ok(await admin.request("user:ban", { userId: troll.user.id, minutes: null, reason: "spam" }));
    const after = ok(await admin.request("users:list" as never, {})).data.people as Array<Record<string, unknown>>;
    expect(after.find((p) => p.id === troll.user.id)).toMatchObject({ banned: { until: null, reason: "spam" }, muted: null });
    expect(after.find((p) => p.id === member.user.id)).toMatchObject({ banned: null, muted: { until: expect.any(String), reason: "cool off" } });

    // Rooms: someone's private one is listed to the administrator; a direct conversation is not.
    const roomy = await client("socket.io", "Roomy", { account: true });
    const open = await created(roomy, "Open");
    const hidden = await created(roomy, "Hidden", "private");
    ok(await roomy.request("message:send", { roomId: directRoomId(roomy.user.id, guest.user.id), clientId: randomUUID(), body: "hi" }));
    const rooms = ok(await admin.request("rooms:all" as never, {})).data.rooms as Array<{ room: { id: string; visibility: string }; owner: { id: string } | null; moderators: unknown[] }>;
    expect(rooms.map((r) => r.room.id).sort()).toEqual([hidden.id, open.id].sort());
    expect(rooms.find((r) => r.room.id === hidden.id)).toMatchObject({ room: { visibility: "private" }, owner: { id: roomy.user.id }, moderators: [] });
  });

  it("resetting a password: administrators only, never another administrator's nor a guest's; the old password stops, the new one signs in; audited", async () => {
    server = await startTestServer({ firstAccountAdmin: true });
    const admin = await client(transport, "Root", { account: true });
    const other = await client("socket.io", "Other admin", { account: true });
    const member = await client(transport, "Member", { account: true });
    const guest = await client(transport, "Guest");
    // A guest has no password (a bot over /ws is always an account: the guest target is a browser's).
    const browserGuest = await client("socket.io", "Browser guest");
    ok(await admin.request("user:role", { userId: other.user.id, role: "admin" }));
    const reset = (c: TransportClient, userId: string, password = "a brand new password") => c.request("user:password" as never, { userId, password });
    for (const c of [member, guest]) expect(await reset(c, admin.user.id)).toMatchObject(FORBIDDEN);
    expect(await reset(member, member.user.id)).toMatchObject(FORBIDDEN);
    expect(await reset(admin, other.user.id)).toMatchObject(FORBIDDEN);
    expect(await reset(admin, browserGuest.user.id)).toMatchObject(FORBIDDEN);
    expect(await reset(admin, member.user.id, "short")).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    const signIn = (username: string, password: string) =>
      fetch(`${server.url}/api/account/sign-in`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username, password }) });
    expect((await signIn(member.username!, TEST_PASSWORD)).status).toBe(200);
    ok(await reset(admin, member.user.id));
    expect((await signIn(member.username!, TEST_PASSWORD)).status).toBe(401);
    expect((await signIn(member.username!, "a brand new password")).status).toBe(200);
    const audit = ok(await admin.request("audit:list", {})).data as { entries: Array<{ action: string; target: { id: string } | null }> };
    expect(audit.entries.filter((e) => e.action === "user.password.reset").map((e) => e.target?.id)).toEqual([member.user.id]);
  });
});

describe("deleting a room (Socket.IO's room management)", () => {
  it("an administrator deletes anyone's room, private ones included, and it is audited; a member only their own", async () => {
    server = await startTestServer({ firstAccountAdmin: true });
    const admin = await client("socket.io", "Root", { account: true });
    const owner = await client("socket.io", "Owner", { account: true });
    const other = await client("socket.io", "Other", { account: true });
    const hidden = await created(owner, "Hidden", "private");
    const open = await created(owner, "Open");
    expect(await other.request("room:delete" as never, { roomId: open.id })).toMatchObject(FORBIDDEN);

    const told = owner.next((e) => e.type === "access.revoked" && e.roomId === hidden.id);
    ok(await admin.request("room:delete" as never, { roomId: hidden.id }));
    await told;
    ok(await owner.request("room:delete" as never, { roomId: open.id }));
    const rooms = ok(await admin.request("rooms:all" as never, {})).data.rooms as unknown[];
    expect(rooms).toEqual([]);
    const audit = ok(await admin.request("audit:list", { limit: 10 })).data.entries as Array<{ action: string; room: { id: string } | null }>;
    // The administrator's deletion of someone else's room is audited; the owner's own is not a moderation action.
    expect(audit.filter((e) => e.action === "room.delete").map((e) => e.room?.id)).toEqual([hidden.id]);
  });
});

describe("handing a room over (Socket.IO's room management)", () => {
  it("its owner or an administrator hands it to an account that may read it; the previous owner stays a moderator; everyone hears it; audited", async () => {
    server = await startTestServer({ firstAccountAdmin: true });
    const admin = await client("socket.io", "Root", { account: true });
    const owner = await client("socket.io", "Owner", { account: true });
    const heir = await client("socket.io", "Heir", { account: true });
    const member = await client("socket.io", "Member", { account: true });
    const guest = await client("socket.io", "Guest");
    const plaza = await created(owner, "Plaza");
    const hidden = await created(owner, "Hidden", "private");
    for (const c of [heir, member, guest]) ok(await c.request("room:join", { slug: plaza.slug }));
    const transfer = (c: TransportClient, roomId: string, userId: string) => c.request("room:transfer" as never, { roomId, userId });

    // Refused: anyone but the owner or an administrator; a guest heir; someone who cannot read a private room; a direct conversation.
    expect(await transfer(member, plaza.id, member.user.id)).toMatchObject(FORBIDDEN);
    expect(await transfer(heir, plaza.id, heir.user.id)).toMatchObject(FORBIDDEN);
    expect(await transfer(owner, plaza.id, guest.user.id)).toMatchObject({ ok: false, error: { code: "forbidden", message: expect.stringContaining("only an account can own a room") } });
    expect(await transfer(owner, hidden.id, heir.user.id)).toMatchObject({ ok: false, error: { code: "forbidden", message: expect.stringContaining("invite them first") } });
    expect(await transfer(owner, directRoomId(owner.user.id, heir.user.id), heir.user.id)).toMatchObject({ ok: false });
    expect(await transfer(owner, plaza.id, owner.user.id)).toMatchObject({ ok: false, error: { code: "invalid_payload" } });

    const heirPowers = heir.next((e) => e.type === "powers.changed" && (e as { room: string }).room === plaza.id);
    const handed = ok(await transfer(owner, plaza.id, heir.user.id)).data as { room: { ownerId: string } };
    expect(handed.room.ownerId).toBe(heir.user.id);
    await heirPowers;
    expect(ok(await heir.request("room:powers", { roomId: plaza.id })).data).toMatchObject({ moderate: true, appoint: true });
    expect(ok(await owner.request("room:powers", { roomId: plaza.id })).data).toMatchObject({ moderate: true, appoint: false });
    expect((ok(await member.request("room:moderators", { roomId: plaza.id })).data as { moderators: Array<{ id: string }> }).moderators.map((m) => m.id)).toEqual([owner.user.id]);
    // The new owner renames it; the previous one no longer can.
    ok(await heir.request("room:rename" as never, { roomId: plaza.id, name: "Heir's plaza" }));
    expect(await owner.request("room:rename" as never, { roomId: plaza.id, name: "Mine again" })).toMatchObject(FORBIDDEN);
    // An administrator hands any room over.
    ok(await transfer(admin, plaza.id, member.user.id));
    const audit = ok(await admin.request("audit:list", {})).data as { entries: Array<{ action: string; actorName: string; target: { name: string } | null }> };
    expect(audit.entries.filter((e) => e.action === "room.transfer").map((e) => [e.actorName, e.target?.name])).toEqual([
      ["Root", "Member"],
      ["Owner", "Heir"],
    ]);
  });
});
