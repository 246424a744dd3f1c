import { beforeEach, describe, expect, it } from "vitest";
import { createServices, type Services } from "../services";
import { memoryRepositories } from "../store/memory";
import { MemoryPresenceStore } from "../store/memory/presence.store";
import { MemoryTypingStore } from "../store/memory/typing.store";
import type { UserSummary } from "../contract/model";
import { directRoomId } from "../contract/direct";
import { MAX_SANCTION_MINUTES } from "./moderation.service";

/**
 * The rules of mutes, kicks and bans over memory stores, with a clock the test moves: who may
 * act on whom (administrator > owner > moderator > member; never oneself), what a mute stops,
 * when a sanction ends, and what the audit log keeps. The transports' side (both of them, both
 * engines) is in sanctions.integration.test.ts.
 */
const admin: UserSummary = { id: "u-admin", name: "Admin" };
const owner: UserSummary = { id: "u-owner", name: "Owner" };
const mod: UserSummary = { id: "u-mod", name: "Mod" };
const member: UserSummary = { id: "u-member", name: "Member" };
const other: UserSummary = { id: "u-other", name: "Other" };

let services: Services;
let repos: ReturnType<typeof memoryRepositories>;
let clock: Date;
let roomId: string;

beforeEach(async () => {
  repos = memoryRepositories();
  for (const u of [admin, owner, mod, member, other]) {
    repos.rooms.addUser(u);
    repos.roles.addUser(u.id);
  }
  services = createServices(repos, { presence: new MemoryPresenceStore(), typing: new MemoryTypingStore() }, { betterAuth: {} as never, sessions: repos.sessions, tokens: repos.tokens }, { guestDirectMessages: true, adminUsernames: [], firstAccountAdmin: true });
  await services.roles.accountCreated(admin, "admin");
  clock = new Date("2026-12-04T10:00:00Z");
  // The service reads the time through its own clock; the stores compare against what it passes.
  (services.moderation as unknown as { now: () => Date }).now = () => clock;
  const room = await services.rooms.create(owner, "Town square");
  roomId = room.id;
  await services.roles.setModerator(owner, roomId, mod.id, true);
});

const minutesLater = (n: number) => {
  clock = new Date(clock.getTime() + n * 60_000);
};

describe("who may sanction whom", () => {
  it("in a room: each rank acts only on lower ranks, never on itself", async () => {
    const tries: Array<[UserSummary, UserSummary, boolean]> = [
      [mod, member, true],
      [mod, mod, false],
      [mod, owner, false],
      [mod, admin, false],
      [owner, mod, true],
      [owner, admin, false],
      [admin, owner, true],
      [member, other, false],
    ];
    for (const [actor, target, allowed] of tries) {
      const attempt = services.moderation.mute(actor, { userId: target.id, roomId, minutes: 5 });
      if (allowed) await expect(attempt, `${actor.name} mutes ${target.name}`).resolves.toMatchObject({ target: { id: target.id } });
      else await expect(attempt, `${actor.name} mutes ${target.name}`).rejects.toMatchObject({ code: "forbidden" });
    }
  });

  it("on the instance: administrators only, and never another administrator", async () => {
    await expect(services.moderation.ban(owner, { userId: member.id, minutes: null })).rejects.toMatchObject({ code: "forbidden" });
    await expect(services.moderation.mute(mod, { userId: member.id, roomId: null, minutes: 5 })).rejects.toMatchObject({ code: "forbidden" });
    await services.roles.setRole(admin, owner.id, "admin");
    await expect(services.moderation.ban(admin, { userId: owner.id, minutes: null })).rejects.toMatchObject({ code: "forbidden", message: "You cannot ban an administrator." });
    await expect(services.moderation.ban(admin, { userId: admin.id, minutes: null })).rejects.toMatchObject({ message: "You cannot ban yourself." });
  });

  it("roles are read at each request: a dismissed moderator can no longer act", async () => {
    await services.moderation.mute(mod, { userId: member.id, roomId, minutes: 5 });
    await services.roles.setModerator(owner, roomId, mod.id, false);
    await expect(services.moderation.unmute(mod, { userId: member.id, roomId })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("an unknown person and a direct conversation are refused", async () => {
    await expect(services.moderation.mute(admin, { userId: "u-nobody", roomId, minutes: 5 })).rejects.toMatchObject({ code: "not_found" });
    await expect(services.moderation.kick(admin, { roomId: directRoomId(admin.id, member.id), userId: member.id })).rejects.toMatchObject({ code: expect.stringMatching(/forbidden|not_found/) });
  });

  it("durations are whole minutes up to a year", async () => {
    for (const minutes of [0, -1, 1.5, MAX_SANCTION_MINUTES + 1]) {
      await expect(services.moderation.mute(owner, { userId: member.id, roomId, minutes })).rejects.toMatchObject({ code: "invalid_payload" });
    }
  });
});

describe("mutes", () => {
  it("a room mute stops writing in that room only, says until when, and ends by itself", async () => {
    await services.moderation.mute(mod, { userId: member.id, roomId, minutes: 30, reason: "  calm\ndown " });
    await expect(services.moderation.requireVoice(member, roomId)).rejects.toMatchObject({ code: "forbidden", message: expect.stringMatching(/^You are muted in this room until .*Reason: calm down$/) });
    const elsewhere = await services.rooms.create(other, "Elsewhere");
    await expect(services.moderation.requireVoice(member, elsewhere.id)).resolves.toBeUndefined();
    expect((await services.moderation.powers(member, roomId)).muted).toMatchObject({ scope: "room", reason: "calm down", until: "2026-12-04T10:30:00.000Z" });
    minutesLater(31);
    await expect(services.moderation.requireVoice(member, roomId)).resolves.toBeUndefined();
    expect((await services.moderation.powers(member, roomId)).muted).toBeNull();
  });

  it("an instance mute holds everywhere, direct conversations and new rooms included, until lifted", async () => {
    await services.moderation.mute(admin, { userId: member.id, roomId: null, minutes: null });
    await expect(services.moderation.requireVoice(member, roomId)).rejects.toMatchObject({ message: expect.stringContaining("You are muted") });
    expect((await services.moderation.powers(member, directRoomId(member.id, other.id))).muted).toMatchObject({ scope: "instance", until: null });
    await expect(services.rooms.create(member, "Mine")).rejects.toMatchObject({ code: "forbidden" });
    minutesLater(60 * 24 * 365);
    await expect(services.moderation.requireVoice(member, roomId)).rejects.toMatchObject({ code: "forbidden" });
    expect(await services.moderation.unmute(admin, { userId: member.id, roomId: null })).toMatchObject({ lifted: true });
    expect(await services.moderation.unmute(admin, { userId: member.id, roomId: null })).toMatchObject({ lifted: false });
    await expect(services.rooms.create(member, "Mine")).resolves.toMatchObject({ name: "Mine" });
  });
});

describe("kicks and bans", () => {
  it("a kick from a public room refuses it for the time given, then lets them back", async () => {
    const { message, until } = await services.moderation.kick(mod, { roomId, userId: member.id, minutes: 10 });
    expect(until).toBe("2026-12-04T10:10:00.000Z");
    expect(message).toMatch(/^A moderator removed you from Town square until /);
    expect(await services.moderation.roomBanOf(member.id, roomId)).not.toBeNull();
    minutesLater(11);
    expect(await services.moderation.roomBanOf(member.id, roomId)).toBeNull();
  });

  it("a kick from a private room ends the membership", async () => {
    const secret = await services.rooms.create(owner, "Back room", "private");
    await repos.rooms.addMember(secret.id, member.id);
    await services.moderation.kick(owner, { roomId: secret.id, userId: member.id });
    await expect(services.rooms.requireAccess(member, secret.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(services.moderation.kick(owner, { roomId: secret.id, userId: member.id })).rejects.toMatchObject({ code: "not_found" });
  });

  it("a ban is in force until it ends, and is listed for administrators only", async () => {
    const { ban } = await services.moderation.ban(admin, { userId: member.id, minutes: 60, reason: "spam" });
    expect(ban).toMatchObject({ kind: "ban", reason: "spam" });
    expect(await services.moderation.banOf(member.id)).toMatchObject({ reason: "spam" });
    expect(await services.moderation.list(admin, null)).toEqual([expect.objectContaining({ user: expect.objectContaining({ id: member.id }), kind: "ban", roomId: null, reason: "spam" })]);
    await expect(services.moderation.list(owner, null)).rejects.toMatchObject({ code: "forbidden" });
    minutesLater(61);
    expect(await services.moderation.banOf(member.id)).toBeNull();
    expect(await services.moderation.list(admin, null)).toEqual([]);
  });

  it("the operator at the command line acts as an administrator", async () => {
    const operator = { id: null, name: "operator" };
    await services.moderation.ban(operator, { userId: admin.id, minutes: 5 });
    expect(await services.moderation.banOf(admin.id)).not.toBeNull();
  });
});

describe("the audit log", () => {
  it("records each sanction and its lifting with actor, target, room and reason; administrators read it, newest first", async () => {
    await services.moderation.mute(mod, { userId: member.id, roomId, minutes: 5, reason: "flood" });
    await services.moderation.unmute(mod, { userId: member.id, roomId });
    await services.moderation.kick(owner, { roomId, userId: member.id });
    await services.moderation.ban(admin, { userId: other.id, minutes: null });
    const log = await services.moderation.auditLog(admin, undefined, 50);
    expect(log.map((e) => e.action).slice(0, 4)).toEqual(["user.ban", "user.kick", "user.unmute", "user.mute"]);
    expect(log.find((e) => e.action === "user.mute")).toMatchObject({ actor: { id: mod.id }, target: { id: member.id }, room: { id: roomId }, reason: "flood" });
    await expect(services.moderation.auditLog(owner, undefined, 50)).rejects.toMatchObject({ code: "forbidden" });
  });
});
