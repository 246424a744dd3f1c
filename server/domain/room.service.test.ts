import { describe, expect, it } from "vitest";
import { MemoryRoomRepository } from "../store/memory/repositories";
import { DomainError } from "./errors";
import { normaliseRoomName, RoomService, slugify } from "./room.service";

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
    expect(await rooms.enter(bob, secret.slug, token)).toEqual(secret);
    // A member now: no invite needed, and listed.
    expect(await rooms.enter(bob, secret.slug)).toEqual(secret);
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
