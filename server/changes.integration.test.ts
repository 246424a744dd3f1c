/**
 * Changes are delivered like messages: edits, deletions and reactions made while a client
 * is away (offline, past or within the recovery window, or with its server killed) are
 * caught up when it is back, and its view then equals the database exactly; changes made
 * offline go out once each. The browser's Outbox and RoomSync on real sockets.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ChatMessage, UserSummary } from "./contract/model";
import { chatClient, eventually, type ChatClient } from "./test/chat-client";
import { freePort, NodeProcess } from "./test/node-process";
import { freshDatabaseUrl, sleep, startTestServer, withDatabase, type TestServer } from "./test/harness";
import type { RoomSync } from "@/app/lib/room-sync";

const clients: ChatClient[] = [];
let server: TestServer | undefined;
let node: NodeProcess | undefined;
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  server = undefined;
  await node?.stop();
  node = undefined;
});

async function client(url: string, name: string) {
  const res = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ displayName: name }),
  });
  const session = { cookie: res.headers.get("set-cookie")!.split(";")[0]!, user: ((await res.json()) as { user: UserSummary }).user };
  const c = await chatClient(url, session, { ackTimeoutMs: 2000 });
  clients.push(c);
  return c;
}

/** A view of a message as a person sees it: text, tombstone, who reacted with what. */
const shown = (m: ChatMessage) => ({
  seq: m.seq,
  body: m.body,
  deleted: m.deleted ?? false,
  edited: m.editedAt !== undefined,
  reactions: (m.reactions ?? []).map((r) => `${r.emoji}:${r.users.map((u) => u.name).join("+")}`),
});

/** The room as the database has it, read through a fresh client's join. */
async function truth(url: string, slug: string) {
  const reader = await client(url, "Reader");
  const view = reader.room(slug);
  await eventually(() => view.get().phase === "joined", "the reader joined");
  return view.get().log.confirmed.map(shown);
}

/** Ada's changes while Bob is away: an edit, a deletion, reactions added and one taken back. */
async function changeEverything(ada: ChatClient, roomId: string, messages: ChatMessage[]) {
  const [first, second, third] = messages as [ChatMessage, ChatMessage, ChatMessage];
  const target = (m: ChatMessage) => ({ roomId, messageId: m.id, clientId: m.clientId });
  await ada.outbox.edit(target(first), "first, edited");
  await ada.outbox.remove(target(second));
  await ada.outbox.react(target(third), "👍", true);
  await ada.outbox.react(target(third), "🎉", true);
  await ada.outbox.react(target(third), "🎉", false);
  await ada.outbox.edit(target(first), "first, edited twice");
  await eventually(() => ada.outbox.get().length === 0, "ada's changes applied", 20_000);
}

async function conversation(url: string) {
  const ada = await client(url, "Ada");
  const created = await ada.transport.request("room:create", { name: "Changes" });
  if (!created.ok) throw new Error(created.error.message);
  const room = created.data.room;
  const adaView = ada.room(room.slug);
  const bob = await client(url, "Bob");
  const bobView = bob.room(room.slug);
  await eventually(() => adaView.get().phase === "joined" && bobView.get().phase === "joined", "both joined");
  for (const body of ["first", "second", "third"]) await ada.outbox.add(room.id, body);
  // Bob can hear a message before Ada's outbox has its acknowledgement (the hub publishes,
  // then answers): both, or Ada's copies are not all there yet.
  await eventually(() => bobView.get().log.confirmed.length === 3 && ada.delivered.length >= 3, "bob saw three messages and ada's were acknowledged");
  return { ada, bob, room, bobView, messages: ada.delivered.slice(0, 3) };
}

const settled = (v: RoomSync) => !v.get().stale && v.get().phase === "joined";

describe("a client away while messages change", () => {
  for (const [label, windowMs, awayMs, recovered] of [
    ["with a recovery window of 0", 0, 300, false],
    ["past the recovery window", 300, 1500, false],
    ["within the recovery window", 10_000, 500, true],
  ] as const) {
    it(`${label}: back, it shows exactly the current text, tombstones and reactions`, async () => {
      server = await startTestServer({ recoveryWindowMs: windowMs });
      const { ada, bob, room, bobView, messages } = await conversation(server.url);
      const back = new Promise<boolean>((resolve) => bob.socket.once("connect", () => resolve(bob.socket.recovered)));
      bob.socket.io.reconnection(false);
      const droppedAt = Date.now();
      bob.socket.io.engine.close();
      await changeEverything(ada, room.id, messages);
      // Nothing of it reached Bob while he was away.
      expect(bobView.get().log.confirmed.map((m) => m.body)).toEqual(["first", "second", "third"]);
      await sleep(Math.max(0, droppedAt + awayMs - Date.now()));
      bob.socket.io.reconnection(true);
      bob.socket.connect();
      expect(Boolean(await back)).toBe(recovered);

      const expected = [
        { seq: 1, body: "first, edited twice", deleted: false, edited: true, reactions: [] },
        { seq: 2, body: "", deleted: true, edited: false, reactions: [] },
        { seq: 3, body: "third", deleted: false, edited: false, reactions: ["👍:Ada"] },
      ];
      await eventually(() => settled(bobView) && JSON.stringify(bobView.get().log.confirmed.map(shown)) === JSON.stringify(expected), "bob shows the current state", 15_000);
      expect(await truth(server.url, room.slug)).toEqual(expected);
      expect(bobView.get().log.changeCursor).toBe(6);
    }, 40_000);
  }

  it("the server is killed and restarted: changes written offline go out once each, and every view equals the database", async () => {
    const databaseUrl = await freshDatabaseUrl();
    node = new NodeProcess(await freePort(), databaseUrl);
    await node.start();
    const { ada, room, bobView, messages } = await conversation(node.url);
    node.kill();
    await eventually(() => !ada.socket.connected, "ada noticed");
    // Written while the server is down: they wait in the outbox.
    const pending = changeEverything(ada, room.id, messages);
    await sleep(300);
    expect(ada.outbox.get().length).toBeGreaterThan(0);
    await node.start();
    await pending;
    const expected = await truth(node.url, room.slug);
    expect(expected.map((m) => m.body)).toEqual(["first, edited twice", "", "third"]);
    await eventually(() => settled(bobView) && JSON.stringify(bobView.get().log.confirmed.map(shown)) === JSON.stringify(expected), "bob shows the database's state", 20_000);
    // Each change once: six changes recorded, whatever was resent.
    const changes = await withDatabase(databaseUrl, (db) => db.messageChange.findMany({ where: { roomId: room.id }, orderBy: { cseq: "asc" } }));
    expect(changes.map((c) => [c.cseq, c.kind])).toEqual([
      [1, "edit"],
      [2, "delete"],
      [3, "react"],
      [4, "react"],
      [5, "unreact"],
      [6, "edit"],
    ]);
    // The deleted message's text is gone from the database, not only from the views.
    const deleted = await withDatabase(databaseUrl, (db) => db.message.findUnique({ where: { id: messages[1]!.id } }));
    expect(deleted).toMatchObject({ body: "" });
    expect(deleted?.deletedAt).not.toBeNull();
  }, 60_000);
});
