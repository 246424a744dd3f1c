/**
 * Guest settings over both transports, on both engines: only administrators read and change
 * them; read-only guests are refused every write (a message, a reaction, a new room) with the
 * reason, read on, and their powers say why (the composer disables itself); accounts are not
 * touched; with guest access off no new guest session is made (HTTP 403) while signing in
 * goes on; a setting from the environment is locked.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GUESTS_OFF, GUEST_READ_ONLY } from "./domain/settings.service";
import { startTestServer, type TestServer } from "./test/harness";
import { clientsOf, createdRoom, FORBIDDEN, ok, type TransportClient } from "./test/transport-clients";

let server: TestServer;
const client = clientsOf(() => server);


const created = (c: TransportClient) => createdRoom(c, "Plaza");

const newGuest = () => fetch(`${server.url}/api/session`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ displayName: "Newcomer" }) });

describe.each(["socket.io", "ws"] as const)("guest settings over %s", (transport) => {
  it("administrators set guest access; read-only guests read and are refused every write with the reason; off refuses new guests", async () => {
    server = await startTestServer({ firstAccountAdmin: true });
    const admin = await client(transport, "Root", { account: true });
    const member = await client(transport, "Member", { account: true });
    // A guest is a browser's (a /ws bot is always an account).
    const guest = await client("socket.io", "Gus");
    const room = await created(guest);
    for (const c of [admin, member, guest]) ok(await c.request("room:join", { slug: room.slug }));
    const welcome = (ok(await member.request("message:send", { roomId: room.id, clientId: randomUUID(), body: "welcome" })).data.message as { id: string }).id;

    for (const c of [member, guest]) {
      expect(await c.request("settings:get" as never, {})).toMatchObject(FORBIDDEN);
      expect(await c.request("settings:set" as never, { guestAccess: "open" })).toMatchObject(FORBIDDEN);
    }
    expect(ok(await admin.request("settings:get" as never, {})).data).toEqual({ guestAccess: "open", guestIdleDays: null, locked: { guestAccess: false, guestIdleDays: false } });
    expect(await admin.request("settings:set" as never, { guestAccess: "closed" })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect(ok(await admin.request("settings:set" as never, { guestAccess: "read-only", guestIdleDays: 90 })).data).toMatchObject({ guestAccess: "read-only", guestIdleDays: 90 });

    // Read-only: each write refused, with the reason; reading goes on; the powers say so.
    const refused = { ok: false, error: { code: "forbidden", message: GUEST_READ_ONLY } };
    expect(await guest.request("message:send", { roomId: room.id, clientId: randomUUID(), body: "hi" })).toMatchObject(refused);
    expect(await guest.request("reaction:add", { roomId: room.id, messageId: welcome, clientChangeId: randomUUID(), emoji: "👋" })).toMatchObject(refused);
    expect(await guest.request("room:create" as never, { name: "Mine", visibility: "public" })).toMatchObject(refused);
    expect(ok(await guest.request("room:powers", { roomId: room.id })).data).toMatchObject({ muted: { scope: "guests", reason: GUEST_READ_ONLY, until: null } });
    expect((ok(await guest.request("message:history", { roomId: room.id })).data as { messages: unknown[] }).messages).toHaveLength(1);
    // Accounts write; a new guest may still come in (and read).
    ok(await member.request("message:send", { roomId: room.id, clientId: randomUUID(), body: "accounts write" }));
    expect((await newGuest()).status).toBe(201);

    // Off: no new guest; those there still read only; accounts sign in.
    ok(await admin.request("settings:set" as never, { guestAccess: "off" }));
    const off = await newGuest();
    expect(off.status).toBe(403);
    expect(((await off.json()) as { error: { message: string } }).error.message).toBe(GUESTS_OFF);
    expect(await guest.request("message:send", { roomId: room.id, clientId: randomUUID(), body: "hi" })).toMatchObject(refused);
    // Open again: guests write.
    ok(await admin.request("settings:set" as never, { guestAccess: "open" }));
    ok(await guest.request("message:send", { roomId: room.id, clientId: randomUUID(), body: "back" }));
    expect((await newGuest()).status).toBe(201);
    const audit = ok(await admin.request("audit:list", {})).data as { entries: Array<{ action: string; detail: Record<string, unknown> }> };
    expect(audit.entries.filter((e) => e.action === "settings.change").map((e) => e.detail.guestAccess)).toEqual(["open", "off", "read-only"]);
  });

  it("a setting from the environment wins over /admin's and cannot be changed there", async () => {
    server = await startTestServer({ firstAccountAdmin: true, settings: { guestAccess: "read-only" } });
    const admin = await client(transport, "Root", { account: true });
    expect(ok(await admin.request("settings:get" as never, {})).data).toEqual({ guestAccess: "read-only", guestIdleDays: null, locked: { guestAccess: true, guestIdleDays: false } });
    expect(await admin.request("settings:set" as never, { guestAccess: "open" })).toMatchObject({ ok: false, error: { code: "forbidden", message: expect.stringContaining("GUEST_ACCESS") } });
    expect(ok(await admin.request("settings:set" as never, { guestIdleDays: 7 })).data).toMatchObject({ guestAccess: "read-only", guestIdleDays: 7, locked: { guestAccess: true, guestIdleDays: false } });
    const guest = await client("socket.io", "Gus");
    const owner = await client("socket.io", "Owner", { account: true });
    const room = await created(owner);
    expect(ok(await guest.request("room:powers", { roomId: room.id })).data).toMatchObject({ muted: { scope: "guests" } });
  });
});
