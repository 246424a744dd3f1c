import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { storeImplementations } from "./contract-stores";
import { SlugTakenError, type Repositories } from "./ports";
import { directRoomId } from "../contract/direct";

/** One behaviour suite, run against every implementation of the persistence ports. */
const implementations = await storeImplementations();

describe.each(implementations)("repositories: %s", (_name, make) => {
  let repos: Repositories;
  let addUser: (u: { id: string; name: string }) => Promise<void>;
  const ada = { id: randomUUID(), name: "Ada" };
  let roomId: string;

  beforeEach(async () => {
    const made = await make();
    repos = made.repos;
    addUser = async (u) => {
      await made.addUser(u);
    };
    await addUser(ada);
    roomId = (await repos.rooms.create({ id: randomUUID(), slug: "general", name: "General", createdById: ada.id, visibility: "public" })).id;
  });

  it("rooms: unique slugs, lookups, oldest-first listing", async () => {
    await expect(repos.rooms.create({ id: randomUUID(), slug: "general", name: "x", createdById: ada.id, visibility: "public" })).rejects.toBeInstanceOf(SlugTakenError);
    const second = await repos.rooms.create({ id: randomUUID(), slug: "second", name: "Second", createdById: ada.id, visibility: "public" });
    expect(await repos.rooms.findBySlug("second")).toEqual(second);
    expect((await repos.rooms.findById(second.id))?.slug).toBe("second");
    expect(await repos.rooms.findBySlug("missing")).toBeNull();
    expect((await repos.rooms.listVisibleTo(ada.id)).map((r) => r.slug)).toEqual(["general", "second"]);
  });

  it("rooms for administrators: public and private, never direct conversations, newest first, paged", async () => {
    const bob = { id: randomUUID(), name: "Bob" };
    await addUser(bob);
    // A later millisecond than "general" (newest first: a tie would be ordered by id).
    await new Promise((resolve) => setTimeout(resolve, 5));
    const hidden = await repos.rooms.create({ id: randomUUID(), slug: "hidden", name: "Hidden", createdById: bob.id, visibility: "private" });
    await repos.rooms.createDirect({ id: directRoomId(ada.id, bob.id), slug: directRoomId(ada.id, bob.id), name: "", createdById: ada.id, visibility: "direct" }, [ada.id, bob.id]);
    const all = await repos.rooms.allRooms({ offset: 0, limit: 50 });
    expect(all.map((r) => r.slug)).toEqual(["hidden", "general"]);
    expect(all[0]).toEqual(hidden);
    expect((await repos.rooms.allRooms({ offset: 1, limit: 1 })).map((r) => r.slug)).toEqual(["general"]);
    expect(await repos.rooms.allRooms({ offset: 2, limit: 10 })).toEqual([]);
  });

  it("rooms: private ones are listed for members only; members, invites, rename, delete", async () => {
    const bob = { id: randomUUID(), name: "Bob" };
    await addUser(bob);
    const secret = await repos.rooms.create({ id: randomUUID(), slug: "secret", name: "Secret", createdById: ada.id, visibility: "private" });
    expect(secret).toMatchObject({ visibility: "private", ownerId: ada.id });
    expect((await repos.rooms.listVisibleTo(bob.id)).map((r) => r.slug)).toEqual(["general"]);
    expect(await repos.rooms.isMember(secret.id, ada.id)).toBe(true);
    expect(await repos.rooms.isMember(secret.id, bob.id)).toBe(false);
    await repos.rooms.addMember(secret.id, bob.id);
    await repos.rooms.addMember(secret.id, bob.id); // idempotent
    expect((await repos.rooms.members(secret.id)).map((m) => m.name)).toEqual(["Ada", "Bob"]);
    expect((await repos.rooms.listVisibleTo(bob.id)).map((r) => r.slug)).toEqual(["general", "secret"]);
    // The same rule as ids only (what a search looks in), and rooms read back by id.
    expect((await repos.rooms.visibleIds(bob.id)).sort()).toEqual([roomId, secret.id].sort());
    expect((await repos.rooms.findByIds([secret.id, "missing"])).map((r) => r.name)).toEqual(["Secret"]);
    expect(await repos.rooms.findByIds([])).toEqual([]);
    // By address or name, case ignored; a private room only for its members.
    expect((await repos.rooms.findVisibleNamed(bob.id, "SECRET")).map((r) => r.id)).toEqual([secret.id]);
    expect((await repos.rooms.findVisibleNamed(bob.id, "general")).map((r) => r.id)).toEqual([roomId]);
    const stranger = { id: randomUUID(), name: "Stranger" };
    await addUser(stranger);
    expect(await repos.rooms.findVisibleNamed(stranger.id, "secret")).toEqual([]);
    // Bob's own invite goes with him; Ada's stays; his removal is recorded until he is let back in.
    const later = new Date(Date.now() + 60_000);
    await repos.rooms.createInvite({ id: randomUUID(), roomId: secret.id, tokenHash: "bobs", createdById: bob.id, expiresAt: later });
    await repos.rooms.createInvite({ id: randomUUID(), roomId: secret.id, tokenHash: "adas", createdById: ada.id, expiresAt: later });
    expect(await repos.rooms.removedAt(secret.id, bob.id)).toBeNull();
    const removedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    expect(await repos.rooms.removeMember(secret.id, bob.id, removedAt)).toBe(true);
    expect(await repos.rooms.removeMember(secret.id, bob.id, new Date(removedAt.getTime() + 5000))).toBe(false);
    expect((await repos.rooms.removedAt(secret.id, bob.id))?.getTime()).toBe(removedAt.getTime());
    expect(await repos.rooms.findInvite("bobs", new Date())).toBeNull();
    expect(await repos.rooms.findInvite("adas", new Date())).toMatchObject({ roomId: secret.id });
    await repos.rooms.addMember(secret.id, bob.id);
    expect(await repos.rooms.removedAt(secret.id, bob.id)).toBeNull();
    expect(await repos.rooms.removeMember(secret.id, bob.id, removedAt)).toBe(true);

    const now = new Date();
    await repos.rooms.createInvite({ id: randomUUID(), roomId: secret.id, tokenHash: "h1", createdById: ada.id, expiresAt: new Date(now.getTime() + 1000) });
    expect(await repos.rooms.findInvite("h1", now)).toEqual({ roomId: secret.id, createdAt: expect.any(Date) });
    expect(await repos.rooms.findInvite("h1", new Date(now.getTime() + 2000))).toBeNull();
    expect(await repos.rooms.findInvite("nope", now)).toBeNull();

    expect(await repos.rooms.rename(secret.id, "Hush")).toMatchObject({ name: "Hush", slug: "secret" });
    // Joins read by slug: a rename or a deletion shows at once (nothing is cached).
    expect(await repos.rooms.findBySlug("secret")).toEqual({ ...secret, name: "Hush" });
    await repos.rooms.delete(secret.id);
    expect(await repos.rooms.findById(secret.id)).toBeNull();
    expect(await repos.rooms.findBySlug("secret")).toBeNull();
    expect(await repos.rooms.isMember(secret.id, ada.id)).toBe(false);
  });

  it("direct conversations: created once by racing creators, both members following; people, blocks, latest message", async () => {
    const bob = { id: randomUUID(), name: "Bob" };
    await addUser(bob);
    const id = directRoomId(ada.id, bob.id);
    const room = { id, slug: id, name: "", visibility: "direct" as const, createdById: ada.id };
    // Both sides' first messages at once: the pair's id makes one conversation.
    const created = await Promise.all([repos.rooms.createDirect(room, [ada.id, bob.id]), repos.rooms.createDirect({ ...room, createdById: bob.id }, [ada.id, bob.id])]);
    expect(created.sort()).toEqual([false, true]);
    expect(await repos.rooms.createDirect(room, [ada.id, bob.id])).toBe(false);
    expect((await repos.rooms.members(id)).map((m) => m.name).sort()).toEqual(["Ada", "Bob"]);
    expect((await repos.rooms.listVisibleTo(bob.id)).map((r) => [r.id, r.visibility])).toContainEqual([id, "direct"]);
    const cat = { id: randomUUID(), name: "Cat" };
    await addUser(cat);
    expect((await repos.rooms.listVisibleTo(cat.id)).map((r) => r.id)).not.toContain(id);
    expect(await repos.rooms.visibleIds(cat.id)).not.toContain(id);
    expect(await repos.rooms.visibleIds(bob.id)).toContain(id);
    // Both follow it from its creation: its messages count as unread for the one who did not write them.
    await repos.messages.append({ id: randomUUID(), roomId: id, author: ada, clientId: randomUUID(), body: "hi" });
    expect((await repos.attention.followed(bob.id)).find((s) => s.roomId === id)).toMatchObject({ readSeq: 0, latestSeq: 1 });
    expect((await repos.attention.followed(ada.id)).find((s) => s.roomId === id)).toMatchObject({ readSeq: 1, latestSeq: 1 });
    expect((await repos.rooms.lastMessageAt([id, roomId])).has(id)).toBe(true);
    expect((await repos.rooms.lastMessageAt([roomId])).size).toBe(0);
    expect(await repos.rooms.findPerson(bob.id)).toEqual({ ...bob, guest: false });
    expect(await repos.rooms.findPerson("nobody")).toBeNull();

    expect(await repos.rooms.blockedEitherWay(ada.id, bob.id)).toBe(false);
    await repos.rooms.setBlock(bob.id, ada.id, true);
    await repos.rooms.setBlock(bob.id, ada.id, true); // idempotent
    expect(await repos.rooms.blockedEitherWay(ada.id, bob.id)).toBe(true);
    expect(await repos.rooms.blockedEitherWay(bob.id, ada.id)).toBe(true);
    expect(await repos.rooms.blockedBy(bob.id)).toEqual([ada]);
    expect(await repos.rooms.blockedBy(ada.id)).toEqual([]);
    await repos.rooms.setBlock(bob.id, ada.id, false);
    expect(await repos.rooms.blockedEitherWay(ada.id, bob.id)).toBe(false);
  });

  it("messages: append numbers by room, dedups by (author, clientId), round-trips fields", async () => {
    const clientId = randomUUID();
    const a = await repos.messages.append({ id: randomUUID(), roomId, author: ada, clientId, body: "héllo 😀" });
    const b = await repos.messages.append({ id: randomUUID(), roomId, author: ada, clientId: randomUUID(), body: "two" });
    const again = await repos.messages.append({ id: randomUUID(), roomId, author: ada, clientId, body: "ignored" });
    expect([a.message.seq, b.message.seq]).toEqual([1, 2]);
    expect(again).toEqual({ duplicate: true, message: a.message });
    expect(a.message).toMatchObject({ roomId, clientId, body: "héllo 😀", author: ada });
    expect(Number.isNaN(Date.parse(a.message.createdAt))).toBe(false);
    const [stored] = await repos.messages.pageAfter(roomId, 0, 1);
    expect(stored).toEqual(a.message);
  });

  it("messages and changes read back at the time they were written, whatever the server's time zone", async () => {
    const zone = process.env.TZ;
    // Fourteen hours east of UTC: a column read as local time would be off by that much.
    process.env.TZ = "Pacific/Kiritimati";
    try {
      const { message } = await repos.messages.append({ id: randomUUID(), roomId, author: ada, clientId: randomUUID(), body: "when?" });
      const [stored] = await repos.messages.pageAfter(roomId, 0, 1);
      expect(stored?.createdAt).toBe(message.createdAt);
      expect(Math.abs(Date.parse(message.createdAt) - Date.now())).toBeLessThan(3_600_000);
      const edit = await repos.messages.applyChange({ id: randomUUID(), roomId, messageId: message.id, actor: ada, clientChangeId: randomUUID(), kind: "edit", body: "now" });
      expect(Math.abs(Date.parse(edit!.change.createdAt) - Date.now())).toBeLessThan(3_600_000);
      expect((await repos.messages.changesAfter(roomId, 0, 1))[0]?.createdAt).toBe(edit!.change.createdAt);
      const [edited] = await repos.messages.pageAfter(roomId, 0, 1);
      expect(Math.abs(Date.parse(edited!.editedAt!) - Date.now())).toBeLessThan(3_600_000);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it("messages: keyset pages before and after a seq, ascending", async () => {
    for (let i = 0; i < 10; i++) await repos.messages.append({ id: randomUUID(), roomId, author: ada, clientId: randomUUID(), body: `m${i}` });
    const seqs = (ms: { seq: number }[]) => ms.map((m) => m.seq);
    expect(seqs(await repos.messages.pageBefore(roomId, undefined, 3))).toEqual([8, 9, 10]);
    expect(seqs(await repos.messages.pageBefore(roomId, 8, 3))).toEqual([5, 6, 7]);
    expect(seqs(await repos.messages.pageBefore(roomId, 2, 3))).toEqual([1]);
    expect(seqs(await repos.messages.pageAfter(roomId, 7, 10))).toEqual([8, 9, 10]);
    expect(await repos.messages.pageAfter("other-room", 0, 10)).toEqual([]);
  });

  it("joinPage: the change cursor and the page a join answers with, the newest or after a seq, also when empty", async () => {
    expect(await repos.messages.joinPage(roomId, undefined, 10)).toEqual({ changeCursor: 0, messages: [] });
    expect(await repos.messages.joinPage(roomId, 0, 10)).toEqual({ changeCursor: 0, messages: [] });
    const sent = [];
    for (const body of ["one", "two", "three", "four"]) sent.push((await repos.messages.append({ id: randomUUID(), roomId, author: ada, clientId: randomUUID(), body })).message);
    await repos.messages.applyChange({ id: randomUUID(), roomId, messageId: sent[1]!.id, actor: ada, clientChangeId: randomUUID(), kind: "edit", body: "TWO" });
    await repos.messages.applyChange({ id: randomUUID(), roomId, messageId: sent[3]!.id, actor: ada, clientChangeId: randomUUID(), kind: "react", emoji: "👍" });
    const bodies = (r: { changeCursor: number; messages: Array<{ body: string }> }) => [r.changeCursor, r.messages.map((m) => m.body)];
    expect(bodies(await repos.messages.joinPage(roomId, undefined, 3))).toEqual([2, ["TWO", "three", "four"]]);
    expect(bodies(await repos.messages.joinPage(roomId, 1, 2))).toEqual([2, ["TWO", "three"]]);
    expect(bodies(await repos.messages.joinPage(roomId, 4, 10))).toEqual([2, []]);
    // The same messages as the pages give, reactions included.
    expect((await repos.messages.joinPage(roomId, undefined, 10)).messages).toEqual(await repos.messages.pageBefore(roomId, undefined, 10));
    expect((await repos.messages.joinPage(roomId, 2, 10)).messages).toEqual(await repos.messages.pageAfter(roomId, 2, 10));
  });

  it("a page and a rejoin's touched messages carry each message's own reactions, and none on a message without", async () => {
    const bob = { id: randomUUID(), name: "Bob" };
    await addUser(bob);
    const sent = [];
    for (const body of ["one", "two", "three"]) sent.push((await repos.messages.append({ id: randomUUID(), roomId, author: ada, clientId: randomUUID(), body })).message);
    const react = (actor: typeof ada, message: { id: string }, emoji: string) =>
      repos.messages.applyChange({ id: randomUUID(), roomId, messageId: message.id, actor, clientChangeId: randomUUID(), kind: "react", emoji });
    await react(bob, sent[0]!, "👍");
    await react(ada, sent[2]!, "🎉");
    await react(bob, sent[2]!, "🎉");
    await react(ada, sent[2]!, "👀");
    const expected = [
      ["one", [{ emoji: "👍", users: [bob] }]],
      ["two", undefined],
      ["three", [{ emoji: "🎉", users: [ada, bob] }, { emoji: "👀", users: [ada] }]],
    ];
    const shape = (page: Array<{ body: string; reactions?: unknown }>) => page.map((m) => [m.body, m.reactions]);
    expect(shape(await repos.messages.pageAfter(roomId, 0, 10))).toEqual(expected);
    expect(shape(await repos.messages.pageBefore(roomId, undefined, 10))).toEqual(expected);
    expect(shape(await repos.messages.pageBefore(roomId, 3, 10))).toEqual(expected.slice(0, 2));
    expect(shape((await repos.messages.changedSince(roomId, 1, 10)).messages)).toEqual([expected[2]]);
  });

  it("changes: edits, reactions and a deletion, each with the room's next cseq, applied to the stored message", async () => {
    const bob = { id: randomUUID(), name: "Bob" };
    await addUser(bob);
    const { message } = await repos.messages.append({ id: randomUUID(), roomId, author: ada, clientId: randomUUID(), body: "helo" });
    const change = (actor: typeof ada, kind: "edit" | "delete" | "react" | "unreact", extra: { body?: string; emoji?: string } = {}) =>
      repos.messages.applyChange({ id: randomUUID(), roomId, messageId: message.id, actor, clientChangeId: randomUUID(), kind, ...extra });

    const edit = await change(ada, "edit", { body: "hello" });
    expect(edit).toMatchObject({ duplicate: false, change: { roomId, cseq: 1, messageId: message.id, messageSeq: 1, actor: ada, kind: "edit", body: "hello" } });
    expect(await change(bob, "edit", { body: "not mine" })).toBeNull();
    expect((await change(bob, "react", { emoji: "👍" }))?.change).toMatchObject({ cseq: 2, kind: "react", emoji: "👍", actor: bob });
    expect(await change(bob, "react", { emoji: "👍" })).toBeNull(); // one (message, user, emoji) at most
    expect((await change(ada, "react", { emoji: "👍" }))?.change.cseq).toBe(3);
    expect((await change(ada, "react", { emoji: "🎉" }))?.change.cseq).toBe(4);
    expect((await change(ada, "unreact", { emoji: "🎉" }))?.change.cseq).toBe(5);
    expect(await change(ada, "unreact", { emoji: "🎉" })).toBeNull();

    const [stored] = await repos.messages.pageAfter(roomId, 0, 1);
    expect(stored).toMatchObject({ body: "hello", reactions: [{ emoji: "👍", users: [bob, ada] }] });
    expect(Number.isNaN(Date.parse(stored!.editedAt!))).toBe(false);
    expect(stored!.deleted).toBeUndefined();
    expect(await repos.messages.changeCursor(roomId)).toBe(5);
    expect((await repos.messages.changesAfter(roomId, 3, 10)).map((c) => [c.cseq, c.kind])).toEqual([[4, "react"], [5, "unreact"]]);

    expect(await change(bob, "delete")).toBeNull();
    expect((await change(ada, "delete"))?.change).toMatchObject({ cseq: 6, kind: "delete" });
    const [tombstone] = await repos.messages.pageBefore(roomId, undefined, 1);
    expect(tombstone).toMatchObject({ id: message.id, body: "", deleted: true });
    expect(tombstone!.reactions).toBeUndefined();
    // The text is gone from the change log too, and nothing more can change the message.
    expect((await repos.messages.changesAfter(roomId, 0, 10)).find((c) => c.kind === "edit")?.body).toBeUndefined();
    expect(await change(ada, "edit", { body: "back from the dead" })).toBeNull();
    expect(await change(bob, "react", { emoji: "😮" })).toBeNull();
    expect(await repos.messages.findMessage(message.id)).toMatchObject({ roomId, seq: 1, authorId: ada.id, deleted: true });
  });

  it("changes: a repeated clientChangeId is applied once and answers with the stored change; a wrong room changes nothing", async () => {
    const { message } = await repos.messages.append({ id: randomUUID(), roomId, author: ada, clientId: randomUUID(), body: "one" });
    const clientChangeId = randomUUID();
    const first = await repos.messages.applyChange({ id: randomUUID(), roomId, messageId: message.id, actor: ada, clientChangeId, kind: "edit", body: "two" });
    const again = await repos.messages.applyChange({ id: randomUUID(), roomId, messageId: message.id, actor: ada, clientChangeId, kind: "edit", body: "two" });
    expect(again).toEqual({ duplicate: true, change: first!.change });
    expect(await repos.messages.changeCursor(roomId)).toBe(1);
    const other = (await repos.rooms.create({ id: randomUUID(), slug: "other", name: "Other", createdById: ada.id, visibility: "public" })).id;
    expect(await repos.messages.applyChange({ id: randomUUID(), roomId: other, messageId: message.id, actor: ada, clientChangeId: randomUUID(), kind: "edit", body: "x" })).toBeNull();
    expect(await repos.messages.changeCursor(other)).toBe(0);
    expect((await repos.messages.pageAfter(roomId, 0, 1))[0]?.body).toBe("two");
  });

  it("attention: appends of several authors written together move each author's read position to their own last one", async () => {
    const bob = { id: randomUUID(), name: "Bob" };
    const cy = { id: randomUUID(), name: "Cy" };
    await addUser(bob);
    await addUser(cy);
    await repos.messages.append({ id: randomUUID(), roomId, author: ada, clientId: randomUUID(), body: "first" });
    await repos.attention.follow(bob.id, roomId);
    await repos.attention.follow(cy.id, roomId);
    // Sent at once (one batch on both engines' writers): Bob's last is the 4th, Cy's the 3rd.
    const authors = [bob, ada, cy, bob, ada];
    const sent = await Promise.all(authors.map((author, i) => repos.messages.append({ id: randomUUID(), roomId, author, clientId: randomUUID(), body: `m${i}` })));
    expect(sent.map((r) => r.message.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(await repos.attention.followed(bob.id)).toEqual([{ roomId, readSeq: 5, latestSeq: 6 }]);
    expect(await repos.attention.followed(cy.id)).toEqual([{ roomId, readSeq: 4, latestSeq: 6 }]);
  });

  it("attention: following starts at the latest message; read positions move forward only, within the room; own appends are read", async () => {
    const bob = { id: randomUUID(), name: "Bob" };
    await addUser(bob);
    const say = async (author: typeof ada, n: number) => {
      for (let i = 0; i < n; i++) await repos.messages.append({ id: randomUUID(), roomId, author, clientId: randomUUID(), body: `m${i}` });
    };
    await say(ada, 2);
    expect(await repos.attention.follow(bob.id, roomId)).toEqual({ roomId, readSeq: 2, latestSeq: 2 });
    await say(ada, 3);
    // Following again changes nothing.
    expect(await repos.attention.follow(bob.id, roomId)).toEqual({ roomId, readSeq: 2, latestSeq: 5 });
    expect(await repos.attention.markRead(bob.id, roomId, 4)).toEqual({ roomId, readSeq: 4, latestSeq: 5 });
    expect(await repos.attention.markRead(bob.id, roomId, 3)).toEqual({ roomId, readSeq: 4, latestSeq: 5 });
    expect(await repos.attention.markRead(bob.id, roomId, 99)).toEqual({ roomId, readSeq: 5, latestSeq: 5 });
    await say(ada, 2);
    // Bob's own message is read, and so is what came before it in the room.
    await say(bob, 1);
    await say(ada, 1);
    expect(await repos.attention.followed(bob.id)).toEqual([{ roomId, readSeq: 8, latestSeq: 9 }]);
    // Writing in a room does not follow it: opening it does.
    expect(await repos.attention.followed(ada.id)).toEqual([]);

    const second = (await repos.rooms.create({ id: randomUUID(), slug: "second", name: "Second", createdById: ada.id, visibility: "public" })).id;
    expect(await repos.attention.markRead(bob.id, second, 3)).toEqual({ roomId: second, readSeq: 0, latestSeq: 0 });
    await repos.messages.append({ id: randomUUID(), roomId: second, author: ada, clientId: randomUUID(), body: "x" });
    expect((await repos.attention.markAllRead(bob.id)).map((s) => [s.roomId === roomId ? "general" : "second", s.readSeq, s.latestSeq]).sort()).toEqual([
      ["general", 9, 9],
      ["second", 1, 1],
    ]);
    await repos.attention.unfollow(bob.id, second);
    expect((await repos.attention.followed(bob.id)).map((s) => s.roomId)).toEqual([roomId]);
  });

  it("attention: the unread messages that mention a user, by others, after a seq; users by id", async () => {
    const bob = { id: randomUUID(), name: "Bob" };
    await addUser(bob);
    const say = (author: typeof ada, body: string) => repos.messages.append({ id: randomUUID(), roomId, author, clientId: randomUUID(), body });
    await say(ada, `<@${bob.id}> one`);
    await say(ada, "nobody");
    await say(ada, `two <@${bob.id}>`);
    await say(bob, `myself <@${bob.id}>`);
    await say(ada, `<@${ada.id}> not Bob`);
    await say(ada, `three <@${bob.id}>`);
    expect(await repos.attention.mentionsAfter(bob.id, roomId, 0, 10)).toEqual([1, 3, 6]);
    expect(await repos.attention.mentionsAfter(bob.id, roomId, 1, 1)).toEqual([3]);
    expect(await repos.attention.mentionsAfter(bob.id, roomId, 6, 10)).toEqual([]);
    expect((await repos.rooms.usersByIds([bob.id, "nobody", ada.id])).sort((a, b) => a.name.localeCompare(b.name))).toEqual([ada, bob]);
  });

  it("attention: a private room is listed only while its follower is a member; a deleted room goes", async () => {
    const bob = { id: randomUUID(), name: "Bob" };
    await addUser(bob);
    const secret = (await repos.rooms.create({ id: randomUUID(), slug: "secret", name: "Secret", createdById: ada.id, visibility: "private" })).id;
    await repos.rooms.addMember(secret, bob.id);
    await repos.attention.follow(bob.id, secret);
    await repos.attention.follow(bob.id, roomId);
    expect((await repos.attention.followed(bob.id)).map((s) => s.roomId)).toEqual([secret, roomId].sort());
    await repos.rooms.removeMember(secret, bob.id, new Date());
    expect((await repos.attention.followed(bob.id)).map((s) => s.roomId)).toEqual([roomId]);
    await repos.rooms.delete(roomId);
    expect(await repos.attention.followed(bob.id)).toEqual([]);
  });
});
