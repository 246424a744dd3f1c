import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import type { UserSummary } from "../contract/model";
import { createServices, type Services } from "../services";
import { memoryRepositories } from "../store/memory";
import { MemoryPresenceStore } from "../store/memory/presence.store";
import { MemoryTypingStore } from "../store/memory/typing.store";
import { DEPARTED_GUEST, GUEST_READ_ONLY, type SettingsFromEnv } from "./settings.service";

/**
 * Instance settings over memory stores: administrators change them, the environment's win
 * (locked), read-only guests are held as a mute is (every write refused, reading goes on,
 * accounts untouched), and idle guests are anonymised with their messages kept. Over both
 * transports and engines: guests.integration.test.ts.
 */
const admin: UserSummary = { id: "u-admin", name: "Admin" };
const member: UserSummary = { id: "u-member", name: "Member" };
const guest: UserSummary = { id: "u-guest", name: "Gus" };

let services: Services;
let repos: ReturnType<typeof memoryRepositories>;
let roomId: string;

async function start(env: SettingsFromEnv = {}) {
  repos = memoryRepositories();
  for (const u of [admin, member, guest]) {
    repos.rooms.addUser(u);
    repos.roles.addUser(u.id);
    repos.accounts.users.set(u.id, { id: u.id, name: u.name, guest: u === guest, username: u === guest ? null : u.name.toLowerCase() });
  }
  repos.rooms.guests.add(guest.id);
  services = createServices(repos, { presence: new MemoryPresenceStore(), typing: new MemoryTypingStore() }, { betterAuth: {} as never, sessions: repos.sessions, tokens: repos.tokens }, { guestDirectMessages: true, settings: env });
  await services.roles.accountCreated(admin, "admin");
  roomId = (await services.rooms.create(member, "Plaza")).id;
}

beforeEach(() => start());

describe("settings", () => {
  it("open by default; administrators change them (audited), others are refused; the environment's are locked", async () => {
    expect(await services.settings.read(admin)).toEqual({ guestAccess: "open", guestIdleDays: null, locked: { guestAccess: false, guestIdleDays: false } });
    for (const who of [member, guest]) {
      await expect(services.settings.read(who)).rejects.toMatchObject({ code: "forbidden" });
      await expect(services.settings.update(who, { guestAccess: "off" })).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await services.settings.update(admin, { guestAccess: "read-only", guestIdleDays: 30 })).toMatchObject({ guestAccess: "read-only", guestIdleDays: 30 });
    await expect(services.settings.update(admin, { guestIdleDays: 0 })).rejects.toMatchObject({ code: "invalid_payload" });
    expect(await services.settings.update(admin, { guestIdleDays: null })).toMatchObject({ guestAccess: "read-only", guestIdleDays: null });
    expect((await services.moderation.auditLog(admin, undefined, 5)).filter((e) => e.action === "settings.change").map((e) => e.detail)).toEqual([
      { guestIdleDays: null },
      { guestAccess: "read-only", guestIdleDays: 30 },
    ]);

    await start({ guestAccess: "off", guestIdleDays: null });
    await repos.settings.write("guestAccess", "open");
    expect(await services.settings.read(admin)).toEqual({ guestAccess: "off", guestIdleDays: null, locked: { guestAccess: true, guestIdleDays: true } });
    await expect(services.settings.update(admin, { guestAccess: "open" })).rejects.toMatchObject({ code: "forbidden", message: expect.stringContaining("GUEST_ACCESS") });
    await expect(services.settings.update(admin, { guestIdleDays: 3 })).rejects.toMatchObject({ code: "forbidden", message: expect.stringContaining("GUEST_IDLE_DAYS") });
  });

  it("read-only guests: every write refused as a mute is, reading goes on; accounts write; open again lets them", async () => {
    const { message } = await services.messages.send(member, { roomId, clientId: randomUUID(), body: "welcome" });
    await services.settings.update(admin, { guestAccess: "read-only" });
    await expect(services.messages.send(guest, { roomId, clientId: randomUUID(), body: "hi" })).rejects.toMatchObject({ code: "forbidden", message: GUEST_READ_ONLY });
    await expect(services.messages.change(guest, { roomId, messageId: message.id, clientChangeId: randomUUID(), kind: "react", emoji: "👍" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(services.rooms.create(guest, "Mine")).rejects.toMatchObject({ code: "forbidden" });
    expect((await services.moderation.powers(guest, roomId)).muted).toEqual({ until: null, reason: GUEST_READ_ONLY, scope: "guests" });
    expect((await services.messages.history(guest, { roomId })).messages).toHaveLength(1);
    await services.messages.send(member, { roomId, clientId: randomUUID(), body: "accounts still write" });
    expect((await services.moderation.powers(member, roomId)).muted).toBeNull();
    // Off: no new guests; those there read only.
    await services.settings.update(admin, { guestAccess: "off" });
    await expect(services.settings.requireGuestsAllowed()).rejects.toMatchObject({ code: "forbidden" });
    await expect(services.messages.send(guest, { roomId, clientId: randomUUID(), body: "hi" })).rejects.toMatchObject({ code: "forbidden" });
    await services.settings.update(admin, { guestAccess: "open" });
    await services.settings.requireGuestsAllowed();
    await services.messages.send(guest, { roomId, clientId: randomUUID(), body: "back" });
  });

  it("idle guests: anonymised after the days set, signed out, messages kept; none while the setting is off; audited", async () => {
    const day = 24 * 3600_000;
    const old = new Date(Date.now() - 40 * day);
    repos.accounts.users.get(guest.id)!.createdAt = old;
    repos.accounts.sessions.set("s-guest", { id: "s-guest", token: "t-guest", userId: guest.id, expiresAt: new Date(Date.now() + day), updatedAt: old });
    await services.messages.send(guest, { roomId, clientId: randomUUID(), body: "long ago" });
    expect(await services.settings.pruneGuests(null)).toEqual({ pruned: 0, days: null });
    await expect(services.settings.pruneGuests(member, 30)).rejects.toMatchObject({ code: "forbidden" });
    await services.settings.update(admin, { guestIdleDays: 60 });
    expect(await services.settings.pruneGuests(null)).toEqual({ pruned: 0, days: 60 });
    await services.settings.update(admin, { guestIdleDays: 30 });
    expect(await services.settings.pruneGuests(null)).toEqual({ pruned: 1, days: 30 });
    expect(await repos.rooms.findPerson(guest.id)).toMatchObject({ name: DEPARTED_GUEST, guest: true });
    expect(repos.accounts.sessions.has("s-guest")).toBe(false);
    expect((await services.messages.history(member, { roomId })).messages.map((m) => m.body)).toEqual(["long ago"]);
    expect(await services.settings.pruneGuests({ id: null, name: "operator" }, 30)).toEqual({ pruned: 0, days: 30 });
    expect((await services.moderation.auditLog(admin, undefined, 1))[0]).toMatchObject({ action: "guests.prune", actorName: "idle guest sweep", detail: { pruned: 1, days: 30 } });
  });
});
