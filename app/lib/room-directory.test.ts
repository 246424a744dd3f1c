import { describe, expect, it } from "vitest";
import type { ChatMessage, RoomSummary } from "@/server/contract/model";
import { Emitter } from "./emitter";
import { RoomDirectory } from "./room-directory";
import { FakeTransport, settle } from "./testing/fake-transport";

const room = (id: string, extra: Partial<RoomSummary> = {}): RoomSummary => ({
  id,
  slug: id,
  name: id,
  visibility: "public",
  ownerId: "ada",
  createdAt: "2026-01-01T00:00:00.000Z",
  ...extra,
});

const setup = async (rooms: RoomSummary[]) => {
  const transport = new FakeTransport();
  const delivered = new Emitter<ChatMessage>();
  const directory = new RoomDirectory(transport, delivered);
  transport.take("room:list").resolve({ ok: true, data: { rooms } });
  await settle();
  return { transport, delivered, directory };
};

describe("RoomDirectory", () => {
  it("reads the list at every connect and follows created, updated, deleted and removed rooms", async () => {
    const { transport, directory } = await setup([room("general")]);
    expect(directory.get()?.map((r) => r.id)).toEqual(["general"]);
    transport.emit("room:created", room("random"));
    transport.emit("room:created", room("random"));
    transport.emit("room:updated", room("general", { name: "General!" }));
    expect(directory.get()?.map((r) => r.name)).toEqual(["General!", "random"]);
    transport.emit("room:deleted", { roomId: "random" });
    expect(directory.room("random")).toBeUndefined();
    transport.emit("room:created", room("secret", { visibility: "private" }));
    transport.emit("room:removed", { roomId: "secret" });
    expect(directory.get()?.map((r) => r.id)).toEqual(["general"]);
    transport.disconnect();
    transport.connect();
    transport.take("room:list").resolve({ ok: true, data: { rooms: [room("other")] } });
    await settle();
    expect(directory.get()?.map((r) => r.id)).toEqual(["other"]);
    directory.close();
  });

  it("moves a direct conversation's time with its messages, and leaves the list alone for a room's", async () => {
    const { transport, delivered, directory } = await setup([room("general"), room("dm", { visibility: "direct", lastMessageAt: "2026-01-01T00:00:00.000Z" })]);
    const before = directory.get();
    transport.emit("message:created", { roomId: "general", createdAt: "2026-02-01T00:00:00.000Z" } as ChatMessage);
    expect(directory.get()).toBe(before);
    delivered.emit({ roomId: "dm", createdAt: "2026-02-01T00:00:00.000Z" } as ChatMessage);
    expect(directory.room("dm")?.lastMessageAt).toBe("2026-02-01T00:00:00.000Z");
    // An older time does not move it back.
    transport.emit("message:created", { roomId: "dm", createdAt: "2026-01-15T00:00:00.000Z" } as ChatMessage);
    expect(directory.room("dm")?.lastMessageAt).toBe("2026-02-01T00:00:00.000Z");
  });

  it("creates, renames and deletes rooms, and says why when the server refuses", async () => {
    const { transport, directory } = await setup([]);
    const made = directory.create("Plans", "private");
    const asked = transport.take("room:create");
    expect(asked.payload).toEqual({ name: "Plans", visibility: "private" });
    asked.resolve({ ok: true, data: { room: room("plans", { visibility: "private" }) } });
    expect(await made).toEqual({ ok: true, value: room("plans", { visibility: "private" }) });
    expect(directory.get()?.map((r) => r.id)).toEqual(["plans"]);

    const renamed = directory.rename("plans", "Plans 2");
    transport.take("room:rename").resolve({ ok: false, error: { code: "forbidden", message: "Only the room's creator can rename it." } });
    expect(await renamed).toEqual({ ok: false, error: "Only the room's creator can rename it." });
    expect(directory.room("plans")?.name).toBe("plans");

    const deleted = directory.delete("plans");
    transport.take("room:delete").resolve({ ok: true, data: {} });
    expect(await deleted).toEqual({ ok: true, value: null });
    expect(directory.get()).toEqual([]);
  });

  it("answers invites and members with the server's values", async () => {
    const { transport, directory } = await setup([]);
    const invite = directory.invite("plans");
    transport.take("room:invite").resolve({ ok: true, data: { token: "t0k", expiresAt: "2026-01-08T00:00:00.000Z" } });
    expect(await invite).toEqual({ ok: true, value: "t0k" });
    const members = directory.members("plans");
    transport.take("room:members").resolve({ ok: true, data: { members: [{ id: "ada", name: "Ada" }] } });
    expect(await members).toEqual({ ok: true, value: [{ id: "ada", name: "Ada" }] });
  });
});
