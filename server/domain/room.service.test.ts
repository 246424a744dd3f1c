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
    expect(room).toMatchObject({ name: "Book Club", slug: "book-club" });
    expect(await rooms.requireBySlug("book-club")).toEqual(room);
    expect(await rooms.list()).toEqual([room]);
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
    await expect(rooms.requireBySlug("nope")).rejects.toBeInstanceOf(DomainError);
    await expect(rooms.requireById("nope")).rejects.toMatchObject({ code: "not_found" });
  });

  it("normalises white space in names", () => {
    expect(normaliseRoomName("a\n\tb  c ")).toBe("a b c");
  });
});
