import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import type { MessageChange, UserSummary } from "../contract/model";
import { directRoomId } from "../contract/direct";
import { createServices, type Services } from "../services";
import { memoryRepositories } from "../store/memory";
import { MemoryPresenceStore } from "../store/memory/presence.store";
import { MemoryTypingStore } from "../store/memory/typing.store";

/**
 * Removing all of one person's messages, over memory stores: who may ask (administrators and
 * the operator, never on an administrator or oneself), that every room is reached (private
 * rooms and direct conversations too) while nobody else's messages are touched, that a task
 * resumes where it stopped (a restart) and on another node once a lease runs out (a dead
 * node), that nothing is removed or published twice, and that a demotion stops the task.
 * Over both transports and engines: purge.integration.test.ts.
 */
const admin: UserSummary = { id: "u-admin", name: "Admin" };
const admin2: UserSummary = { id: "u-admin2", name: "Second" };
const spammer: UserSummary = { id: "u-spam", name: "Spammer" };
const member: UserSummary = { id: "u-member", name: "Member" };

let services: Services;
let repos: ReturnType<typeof memoryRepositories>;
let rooms: string[];

beforeEach(async () => {
  repos = memoryRepositories();
  for (const u of [admin, admin2, spammer, member]) {
    repos.rooms.addUser(u);
    repos.roles.addUser(u.id);
  }
  services = createServices(repos, { presence: new MemoryPresenceStore(), typing: new MemoryTypingStore() }, { betterAuth: {} as never, sessions: repos.sessions, tokens: repos.tokens }, { guestDirectMessages: true, adminUsernames: [], firstAccountAdmin: true });
  await services.roles.accountCreated(admin, "admin");
  await services.roles.setRole(admin, admin2.id, "admin");
  const open = await services.rooms.create(member, "Plaza");
  const closed = await services.rooms.create(member, "Back room", "private");
  const { token } = await services.rooms.invite(member, closed.id);
  await services.rooms.enter(spammer, closed.slug, token);
  const direct = directRoomId(member.id, spammer.id);
  await services.rooms.ensureDirect(spammer, direct);
  rooms = [open.id, closed.id, direct];
});

async function spam(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const roomId = rooms[i % rooms.length]!;
    const { message } = await services.messages.send(spammer, { roomId, clientId: randomUUID(), body: `cheap pills ${i}` });
    ids.push(message.id);
  }
  return ids;
}

const published: MessageChange[] = [];
const collect = (c: MessageChange) => void published.push(c);

describe("asking", () => {
  it("administrators and the operator may; members, oneself and an administrator's messages are refused and file nothing", async () => {
    await expect(services.purges.request(member, { userId: spammer.id })).rejects.toMatchObject({ code: "forbidden" });
    await expect(services.purges.request(admin, { userId: admin.id })).rejects.toMatchObject({ code: "forbidden" });
    await expect(services.purges.request(admin, { userId: admin2.id })).rejects.toMatchObject({ code: "forbidden" });
    await expect(services.purges.request(admin, { userId: "u-nobody" })).rejects.toMatchObject({ code: "not_found" });
    await expect(services.purges.list(member)).rejects.toMatchObject({ code: "forbidden" });
    expect(await services.purges.list(admin)).toEqual([]);
    const first = await services.purges.request(admin, { userId: spammer.id, reason: "spam\nwave" });
    expect(first).toMatchObject({ created: true, purge: { user: spammer, byName: "Admin", reason: "spam wave", state: "pending", removed: 0 } });
    // Asked again while it waits: the same task.
    expect(await services.purges.request(admin2, { userId: spammer.id })).toMatchObject({ created: false, purge: { id: first.purge.id } });
    // The operator acts on anyone, in the first administrator's name.
    const byOperator = await services.purges.request({ id: null, name: "command line" }, { userId: admin2.id });
    expect(byOperator).toMatchObject({ created: true, purge: { byName: "command line" } });
    const log = await services.moderation.auditLog(admin, undefined, 10);
    expect(log.filter((e) => e.action === "user.messages.remove").map((e) => [e.actorName, e.target?.name, e.reason])).toEqual([
      ["command line", "Second", ""],
      ["Admin", "Spammer", "spam wave"],
    ]);
  });

  it("a ban with removeMessages files the task", async () => {
    const { purge } = await services.moderation.ban(admin, { userId: spammer.id, minutes: null, removeMessages: true });
    expect(purge).toMatchObject({ user: spammer, state: "pending" });
    const { purge: none } = await services.moderation.ban(admin, { userId: member.id, minutes: 10 });
    expect(none).toBeNull();
  });
});

describe("working", () => {
  beforeEach(() => void published.splice(0));

  it("removes every message of theirs in every room, and nobody else's; each published once, as removed by a moderator", async () => {
    const ids = await spam(7);
    const { message: kept } = await services.messages.send(member, { roomId: rooms[0]!, clientId: randomUUID(), body: "hello" });
    await services.purges.request(admin, { userId: spammer.id });
    expect(await services.purges.work("node-a", collect, { batch: 3 })).toBe(true);
    expect(published.map((c) => c.messageId).sort()).toEqual([...ids].sort());
    expect(published.every((c) => c.kind === "delete" && c.actor.id === admin.id)).toBe(true);
    for (const roomId of rooms) {
      const page = await repos.messages.pageAfter(roomId, 0, 100);
      for (const m of page) {
        if (m.author.id === spammer.id) expect(m).toMatchObject({ deleted: true, removed: true, body: "" });
        else expect(m).toMatchObject({ id: kept.id, body: "hello" });
      }
    }
    expect(await services.purges.list(admin)).toMatchObject([{ state: "done", removed: 7 }]);
    const log = await services.moderation.auditLog(admin, undefined, 5);
    expect(log[0]).toMatchObject({ action: "user.messages.removed", detail: { removed: 7 } });
    // Nothing left to do.
    expect(await services.purges.work("node-a", collect)).toBe(false);
  });

  it("resumes where it stopped (a restart), and another node takes over once a dead node's lease runs out; nothing twice", async () => {
    const ids = await spam(10);
    await services.purges.request(admin, { userId: spammer.id });
    // A node that stops after its first batch (a restart): progress stored.
    let batches = 0;
    await services.purges.work("node-a", collect, { batch: 4, stop: () => batches++ >= 1 });
    expect(published).toHaveLength(4);
    expect((await services.purges.list(admin))[0]).toMatchObject({ state: "running", removed: 4 });
    // Its lease holds: another node finds nothing now.
    expect(await services.purges.work("node-b", collect, { batch: 4 })).toBe(false);
    // Once it ran out (the node is gone), node-b takes the task where it was.
    expect(await services.purges.work("node-b", collect, { batch: 4, leaseMs: 1 })).toBe(false);
    const purges = services.purges as unknown as { now: () => Date };
    purges.now = () => new Date(Date.now() + 120_000);
    expect(await services.purges.work("node-b", collect, { batch: 4 })).toBe(true);
    expect(published.map((c) => c.messageId).sort()).toEqual([...ids].sort());
    expect(new Set(published.map((c) => c.messageId)).size).toBe(10);
    expect((await services.purges.list(admin))[0]).toMatchObject({ state: "done", removed: 10 });
  });

  it("a message its author deleted stays theirs; a demoted administrator's task stops", async () => {
    const ids = await spam(6);
    await services.messages.change(spammer, { roomId: rooms[0]!, messageId: ids[0]!, clientChangeId: randomUUID(), kind: "delete" });
    await services.purges.request(admin2, { userId: spammer.id });
    let batches = 0;
    await services.purges.work("node-a", collect, { batch: 2, stop: () => batches++ >= 1 });
    // The one its author deleted is not taken (nor marked removed by a moderator): the batch removed two others.
    expect(published.map((c) => c.messageId)).toEqual([expect.any(String), expect.any(String)]);
    expect(published.map((c) => c.messageId)).not.toContain(ids[0]);
    const [own] = await repos.messages.pageAfter(rooms[0]!, 0, 1);
    expect(own).toMatchObject({ id: ids[0], deleted: true });
    expect(own!.removed).toBeUndefined();
    await services.roles.setRole(admin, admin2.id, "member");
    const purges = services.purges as unknown as { now: () => Date };
    purges.now = () => new Date(Date.now() + 120_000);
    expect(await services.purges.work("node-b", collect)).toBe(true);
    expect(published).toHaveLength(2);
    expect((await services.purges.list(admin))[0]).toMatchObject({ state: "stopped", removed: 2 });
    expect((await services.moderation.auditLog(admin, undefined, 1))[0]).toMatchObject({ action: "user.messages.stopped", actorName: "Second" });
  });
});
