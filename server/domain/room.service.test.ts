import { describe, expect, it } from "vitest";
import { MemoryRoomRepository } from "../store/memory";
import { DomainError } from "./errors";
import { normaliseRoomName, RoomService, slugify } from "./room.service";
import { directRoomId } from "../contract/direct";

const ada = { id: "u1", name: "Ada" };

describe("slugify", () => {
  it("makes lower-case ASCII slugs with single dashes", () => {
    expect(slugify("Café  Société!")).toBe("cafe-societe");
    expect(slugify("  --Hello__World--  ")).toBe("hello-world");
  });
  it("falls back to 'room' when nothing URL-safe is left", () => {
    expect(slugify("🎉🎉")).toBe("room");
  });
  it("keeps slugs to 40 characters without a trailing dash", () => {
    const slug = slugify(`${"a".repeat(39)} b`);
    expect(slug.length).toBeLessThanOrEqual(40);
    expect(slug.endsWith("-")).toBe(false);
  });
});

describe("RoomService.create", () => {
  it("creates a room with a slug from its name", async () => {
    const rooms = new RoomService(new MemoryRoomRepository());
    const room = await rooms.create(ada, "  Book   Club ");
    expect(room).toMatchObject({ name: "Book Club", slug: "book-club", visibility: "public", ownerId: ada.id });
    expect(await rooms.enter(ada, "book-club")).toEqual(room);
    expect(await rooms.listFor(ada)).toEqual([room]);
  });

  it("gives rooms with the same name different slugs", async () => {
    const rooms = new RoomService(new MemoryRoomRepository());
    const a = await rooms.create(ada, "General");
    const b = await rooms.create(ada, "General");
    expect(a.slug).toBe("general");
    expect(b.slug).toMatch(/^general-[0-9a-f]{4,}$/);
  });

  it("refuses empty and over-long names with room_name_invalid", async () => {
    const rooms = new RoomService(new MemoryRoomRepository());
    await expect(rooms.create(ada, "   ")).rejects.toMatchObject({ code: "room_name_invalid" });
    await expect(rooms.create(ada, "x".repeat(61))).rejects.toMatchObject({
      code: "room_name_invalid",
      message: expect.stringContaining("61"),
    });
    await expect(rooms.create(ada, "x".repeat(60))).resolves.toMatchObject({ name: "x".repeat(60) });
  });

  it("answers not_found for an unknown slug or id", async () => {
    const rooms = new RoomService(new MemoryRoomRepository());
    await expect(rooms.enter(ada, "nope")).rejects.toBeInstanceOf(DomainError);
    await expect(rooms.requireAccess(ada, "nope")).rejects.toMatchObject({ code: "not_found" });
  });

  it("normalises white space in names", () => {
    expect(normaliseRoomName("a\n\tb  c ")).toBe("a b c");
  });
});

describe("private rooms", () => {
  const bob = { id: "u2", name: "Bob" };
  const eve = { id: "u3", name: "Eve" };

  it("are invisible to non-members: not listed, not enterable, as if they did not exist", async () => {
    const rooms = new RoomService(new MemoryRoomRepository());
    const secret = await rooms.create(ada, "Secret", "private");
    expect(await rooms.listFor(ada)).toEqual([secret]);
    expect(await rooms.listFor(eve)).toEqual([]);
    await expect(rooms.enter(eve, secret.slug)).rejects.toMatchObject({ code: "not_found", message: `There is no room at /r/${secret.slug}.` });
    await expect(rooms.requireAccess(eve, secret.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(rooms.members(eve, secret.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(rooms.invite(eve, secret.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("let in whoever holds a member's invite, and only into that room", async () => {
    let now = new Date("2026-01-01T00:00:00Z");
    const rooms = new RoomService(new MemoryRoomRepository(), () => now);
    const secret = await rooms.create(ada, "Secret", "private");
    const other = await rooms.create(ada, "Other", "private");
    const { token } = await rooms.invite(ada, secret.id);
    await expect(rooms.enter(eve, other.slug, token)).rejects.toMatchObject({ code: "not_found" });
    await expect(rooms.enter(eve, secret.slug, "forged-token")).rejects.toMatchObject({ code: "not_found" });
    expect(await rooms.admit(bob, secret.slug, token)).toEqual({ room: secret, admitted: true });
    // A member now: no invite needed, and listed; the same invite again admits nobody new.
    expect(await rooms.enter(bob, secret.slug)).toEqual(secret);
    expect(await rooms.admit(bob, secret.slug, token)).toEqual({ room: secret, admitted: false });
    expect(await rooms.admit(ada, secret.slug)).toEqual({ room: secret, admitted: false });
    expect((await rooms.listFor(bob)).map((r) => r.id)).toEqual([secret.id]);
    // Invites expire.
    now = new Date(now.getTime() + 8 * 24 * 3600 * 1000);
    await expect(rooms.enter(eve, secret.slug, token)).rejects.toMatchObject({ code: "not_found" });
  });

  it("only the creator renames, removes members and deletes", async () => {
    const repo = new MemoryRoomRepository();
    const rooms = new RoomService(repo);
    const secret = await rooms.create(ada, "Secret", "private");
    const { token } = await rooms.invite(ada, secret.id);
    await rooms.enter(bob, secret.slug, token);

    await expect(rooms.rename(bob, secret.id, "Mine now")).rejects.toMatchObject({ code: "forbidden" });
    await expect(rooms.removeMember(bob, secret.id, ada.id)).rejects.toMatchObject({ code: "forbidden" });
    await expect(rooms.delete(bob, secret.id)).rejects.toMatchObject({ code: "forbidden" });

    expect(await rooms.rename(ada, secret.id, "  Renamed  ")).toMatchObject({ name: "Renamed" });
    await expect(rooms.removeMember(ada, secret.id, ada.id)).rejects.toMatchObject({ code: "invalid_payload" });
    await rooms.removeMember(ada, secret.id, bob.id);
    await expect(rooms.enter(bob, secret.slug)).rejects.toMatchObject({ code: "not_found" });
    await rooms.delete(ada, secret.id);
    await expect(rooms.requireAccess(ada, secret.id)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("RoomService: direct conversations", () => {
  const bob = { id: "u2", name: "Bob" };
  const cat = { id: "u3", name: "Cat" };
  const setup = (options = { guestDirectMessages: true }) => {
    const repo = new MemoryRoomRepository();
    for (const u of [ada, bob, cat]) repo.addUser(u);
    return { repo, rooms: new RoomService(repo, () => new Date("2026-12-02T12:00:00Z"), options) };
  };
  const id = directRoomId(ada.id, bob.id);
  const code = (p: Promise<unknown>) => p.then(() => "ok", (err: unknown) => (err instanceof DomainError ? err.code : String(err)));

  it("either person opens a draft named after the other; nobody else can, and opening stores nothing", async () => {
    const { repo, rooms } = setup();
    expect(await rooms.enter(ada, id)).toMatchObject({ id, slug: id, visibility: "direct", name: "Bob", peer: bob, draft: true });
    expect(await rooms.enter(bob, id)).toMatchObject({ name: "Ada", peer: ada, draft: true });
    expect(await code(rooms.enter(cat, id))).toBe("not_found");
    expect(await repo.findById(id)).toBeNull();
    // Until its first message, it is not there to read.
    expect(await code(rooms.requireAccess(ada, id))).toBe("not_found");
    // Someone who does not exist, and a pair in the wrong order, are not conversations.
    expect(await code(rooms.enter(ada, directRoomId(ada.id, "nobody")))).toBe("not_found");
    expect(await code(rooms.enter(ada, `dm.${bob.id}.${ada.id}`))).toBe("not_found");
  });

  it("the first message creates it once, for its two people only, each seeing the other's name", async () => {
    const { rooms } = setup();
    const [first, second] = await Promise.all([rooms.ensureDirect(ada, id), rooms.ensureDirect(bob, id)]);
    expect([first?.created, second?.created].sort()).toEqual([false, true]);
    expect(await rooms.ensureDirect(ada, id)).toEqual({ created: false });
    expect(await code(rooms.ensureDirect(cat, id))).toBe("not_found");
    expect(await rooms.ensureDirect(ada, "general")).toBeNull();
    expect(await rooms.requireAccess(bob, id)).toMatchObject({ name: "Ada", peer: ada });
    expect(await code(rooms.requireAccess(cat, id))).toBe("not_found");
    expect((await rooms.listFor(ada)).map((r) => r.name)).toEqual(["Bob"]);
    expect((await rooms.listFor(bob)).map((r) => r.name)).toEqual(["Ada"]);
    expect(await rooms.listFor(cat)).toEqual([]);
    // `in:` names a conversation by the other person's name, for its people only.
    expect((await rooms.findNamed(ada, "bob")).map((r) => r.id)).toEqual([id]);
    expect(await rooms.findNamed(cat, "bob")).toEqual([]);
    expect((await rooms.describe(bob, [id])).map((r) => r.name)).toEqual(["Ada"]);
    expect(await rooms.visibleIds(cat)).toEqual([]);
    expect((await rooms.directViews(id)).map((v) => [v.userId, v.room.name])).toEqual([
      [ada.id, "Bob"],
      [bob.id, "Ada"],
    ]);
  });

  it("cannot be invited to, renamed, emptied or deleted, even by the person who started it", async () => {
    const { rooms } = setup();
    await rooms.ensureDirect(ada, id);
    expect(await code(rooms.invite(ada, id))).toBe("invalid_payload");
    expect(await code(rooms.rename(ada, id, "Secret"))).toBe("forbidden");
    expect(await code(rooms.removeMember(ada, id, bob.id))).toBe("forbidden");
    expect(await code(rooms.delete(ada, id))).toBe("forbidden");
  });

  it("a block either way stops both people writing and a new conversation being opened; unblocking restores it", async () => {
    const { rooms } = setup();
    await rooms.ensureDirect(ada, id);
    expect(await rooms.block(bob, ada.id, true)).toEqual([ada]);
    expect(await code(rooms.ensureDirect(ada, id))).toBe("forbidden");
    expect(await code(rooms.ensureDirect(bob, id))).toBe("forbidden");
    // The history stays readable.
    expect(await rooms.enter(ada, id)).toMatchObject({ name: "Bob" });
    expect(await rooms.block(cat, ada.id, true)).toEqual([ada]);
    expect(await code(rooms.enter(ada, directRoomId(ada.id, cat.id)))).toBe("forbidden");
    expect(await code(rooms.enter(cat, directRoomId(ada.id, cat.id)))).toBe("forbidden");
    expect(await code(rooms.block(ada, ada.id, true))).toBe("invalid_payload");
    expect(await code(rooms.block(ada, "nobody", true))).toBe("not_found");
    expect(await rooms.block(bob, ada.id, false)).toEqual([]);
    expect(await rooms.ensureDirect(ada, id)).toMatchObject({ created: false });
  });

  it("with guests' direct messages off: a guest can neither open nor write one, to a guest or an account; accounts still can", async () => {
    const { repo, rooms } = setup({ guestDirectMessages: false });
    repo.guests.add(cat.id);
    expect(await code(rooms.enter(ada, directRoomId(ada.id, cat.id)))).toBe("forbidden");
    expect(await code(rooms.enter(cat, directRoomId(ada.id, cat.id)))).toBe("forbidden");
    expect(await code(rooms.ensureDirect(cat, directRoomId(ada.id, cat.id)))).toBe("forbidden");
    expect(await code(rooms.ensureDirect(cat, directRoomId(cat.id, cat.id)))).toBe("forbidden");
    expect(await rooms.ensureDirect(ada, id)).toMatchObject({ created: true });
    // On (the default), guests have them like everyone.
    const open = setup();
    open.repo.guests.add(cat.id);
    expect(await open.rooms.ensureDirect(cat, directRoomId(ada.id, cat.id))).toMatchObject({ created: true });
  });

  it("a note to oneself is named after oneself", async () => {
    const { rooms } = setup();
    const self = directRoomId(ada.id, ada.id);
    expect(await rooms.ensureDirect(ada, self)).toEqual({ created: true });
    expect(await rooms.requireAccess(ada, self)).toMatchObject({ name: "Ada", peer: ada });
    expect(await code(rooms.enter(bob, self))).toBe("not_found");
  });
});
