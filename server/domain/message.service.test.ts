import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { MemoryMessageRepository, MemoryRoomRepository } from "../store/memory";
import { MessageService } from "./message.service";
import { RoomService } from "./room.service";

const ada = { id: "u1", name: "Ada" };
const bob = { id: "u2", name: "Bob" };

let rooms: RoomService;
let messages: MessageService;
let roomId: string;

beforeEach(async () => {
  rooms = new RoomService(new MemoryRoomRepository());
  messages = new MessageService(new MemoryMessageRepository(), rooms);
  roomId = (await rooms.create(ada, "General")).id;
});

const send = (author = ada, body = "hi", clientId = randomUUID(), room = roomId) =>
  messages.send(author, { roomId: room, clientId, body });

describe("MessageService.send", () => {
  it("assigns strictly increasing sequence numbers per room", async () => {
    const other = (await rooms.create(ada, "Other")).id;
    const seqs = [];
    for (let i = 0; i < 5; i++) seqs.push((await send(i % 2 ? bob : ada)).message.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect((await send(ada, "x", randomUUID(), other)).message.seq).toBe(1);
  });

  it("gives messages time-ordered ids (UUIDv7): each sorts after the one before", async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await send()).message.id);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(5);
  });

  it("stores a repeated clientId once and returns the stored copy", async () => {
    const clientId = randomUUID();
    const first = await send(ada, "once", clientId);
    const again = await send(ada, "once", clientId);
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ duplicate: true, message: first.message });
    expect((await messages.history(ada, { roomId })).messages).toHaveLength(1);
  });

  it("keeps clientIds per author: the same id from another author is a new message", async () => {
    const clientId = randomUUID();
    await send(ada, "a", clientId);
    const fromBob = await send(bob, "b", clientId);
    expect(fromBob.duplicate).toBe(false);
    expect(fromBob.message.seq).toBe(2);
  });

  it("refuses a clientId reused in another room", async () => {
    const other = (await rooms.create(ada, "Other")).id;
    const clientId = randomUUID();
    await send(ada, "a", clientId);
    await expect(send(ada, "a", clientId, other)).rejects.toMatchObject({ code: "duplicate_conflict" });
  });

  it("refuses messages over 4,000 characters, counting code points", async () => {
    await expect(send(ada, "x".repeat(4001))).rejects.toMatchObject({
      code: "message_too_long",
      message: "Messages can be at most 4,000 characters; this one has 4,001.",
    });
    await expect(send(ada, "x".repeat(4000))).resolves.toMatchObject({ duplicate: false });
    // 4,000 emoji are 8,000 UTF-16 units but 4,000 characters as a person counts them.
    await expect(send(ada, "😀".repeat(4000))).resolves.toMatchObject({ duplicate: false });
  });

  it("refuses empty and white-space-only messages, and trims the rest", async () => {
    await expect(send(ada, "")).rejects.toMatchObject({ code: "message_empty" });
    await expect(send(ada, " \n\t ")).rejects.toMatchObject({ code: "message_empty" });
    expect((await send(ada, "  hi  \n")).message.body).toBe("hi");
  });

  it("refuses a message to a room that does not exist, storing nothing", async () => {
    await expect(send(ada, "hi", randomUUID(), "no-such-room")).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("MessageService.history", () => {
  beforeEach(async () => {
    for (let i = 1; i <= 120; i++) await send(ada, `m${i}`);
  });

  const seqs = (page: { messages: { seq: number }[] }) => page.messages.map((m) => m.seq);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it("returns the latest 50, ascending, and says older exist", async () => {
    const page = await messages.history(ada, { roomId });
    expect(seqs(page)).toEqual(range(71, 120));
    expect(page.hasMore).toBe(true);
  });

  it("pages backwards by seq until the start", async () => {
    const second = await messages.history(ada, { roomId, before: 71 });
    expect(seqs(second)).toEqual(range(21, 70));
    expect(second.hasMore).toBe(true);
    const last = await messages.history(ada, { roomId, before: 21 });
    expect(seqs(last)).toEqual(range(1, 20));
    expect(last.hasMore).toBe(false);
  });

  it("reads forwards after a seq for catch-up", async () => {
    const page = await messages.history(ada, { roomId, after: 100, limit: 15 });
    expect(seqs(page)).toEqual(range(101, 115));
    expect(page.hasMore).toBe(true);
    const rest = await messages.history(ada, { roomId, after: 115, limit: 15 });
    expect(seqs(rest)).toEqual(range(116, 120));
    expect(rest.hasMore).toBe(false);
  });

  it("says not_found for an unknown room", async () => {
    await expect(messages.history(ada, { roomId: "nope" })).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("private rooms", () => {
  it("refuse a non-member's messages and history as not_found", async () => {
    const secret = (await rooms.create(ada, "Secret", "private")).id;
    await expect(send(bob, "let me in", randomUUID(), secret)).rejects.toMatchObject({ code: "not_found" });
    await expect(messages.history(bob, { roomId: secret })).rejects.toMatchObject({ code: "not_found" });
    await expect(send(ada, "members only", randomUUID(), secret)).resolves.toMatchObject({ duplicate: false });
  });
});

describe("MessageService.send: @room", () => {
  const withFollowers = (n: number) => {
    const repo = new MemoryRoomRepository();
    const service = new RoomService(repo);
    return { service, messages: new MessageService(new MemoryMessageRepository(), service, repo, { followerCount: async () => n }) };
  };

  it("anyone may use it in a room of up to 20 followers; past that only the room's creator", async () => {
    const small = withFollowers(20);
    const smallRoom = (await small.service.create(ada, "Small")).id;
    expect((await small.messages.send(bob, { roomId: smallRoom, clientId: randomUUID(), body: "<@room> lunch?" })).message.seq).toBe(1);

    const big = withFollowers(21);
    const bigRoom = (await big.service.create(ada, "Big")).id;
    await expect(big.messages.send(bob, { roomId: bigRoom, clientId: randomUUID(), body: "<@room> lunch?" })).rejects.toMatchObject({ code: "forbidden" });
    expect((await big.messages.send(ada, { roomId: bigRoom, clientId: randomUUID(), body: "<@room> all hands" })).message.seq).toBe(1);
    // Without @room nothing is counted or refused.
    expect((await big.messages.send(bob, { roomId: bigRoom, clientId: randomUUID(), body: "no room mention @roommate" })).message.seq).toBe(2);
  });
});

describe("MessageService.onRejoinChanges", () => {
  it("reads nothing when the room's change cursor is at or below what the client holds, and the touched messages when it is above", async () => {
    const repo = new MemoryMessageRepository();
    let reads = 0;
    const changedSince = repo.changedSince.bind(repo);
    repo.changedSince = (...args) => {
      reads++;
      return changedSince(...args);
    };
    const counted = new MessageService(repo, rooms);
    const room = await rooms.requireAccess(ada, roomId);
    const { message } = await counted.send(ada, { roomId, clientId: randomUUID(), body: "helo" });
    expect(await counted.onRejoinChanges(room, 0, await repo.changeCursor(roomId))).toEqual({ messages: [], hasMore: false });
    expect(reads).toBe(0);
    await counted.change(ada, { roomId, messageId: message.id, clientChangeId: randomUUID(), kind: "edit", body: "hello" });
    const cursor = await repo.changeCursor(roomId);
    expect(cursor).toBe(1);
    expect(await counted.onRejoinChanges(room, cursor, cursor)).toEqual({ messages: [], hasMore: false });
    expect(reads).toBe(0);
    const missed = await counted.onRejoinChanges(room, 0, cursor);
    expect(reads).toBe(1);
    expect(missed.messages.map((m) => [m.seq, m.body])).toEqual([[1, "hello"]]);
  });
});
