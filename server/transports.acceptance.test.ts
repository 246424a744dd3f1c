/**
 * The transport acceptance suite: the same cases, run over Socket.IO (a browser's socket) and
 * over `/ws` (a bot), against the one room hub (server/realtime/hub/). "Both
 * transports behave alike" is this one suite, not two copies that drift (after
 * automerge-repo's `runNetworkAdapterTests`). Each case also mixes in a client of the other
 * transport where one transport's action must reach the other's clients.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { startTestServer, type ClientSocket, type TestServer } from "./test/harness";
import { clientsOf, type TransportClient, type TransportName } from "./test/transport-clients";
import { directRoomId } from "./contract/direct";

let server: TestServer;
const client = clientsOf(() => server);

/** A room made by a browser owner (rooms are made from the directory, a Socket.IO feature). */
async function room(visibility: "public" | "private" = "public") {
  const owner = await server.guest("Owner");
  const socket = await server.socket(owner.cookie);
  const created = await socket.emitWithAck("room:create", { name: `Room ${randomUUID().slice(0, 6)}`, visibility });
  if (!created.ok) throw new Error(created.error.message);
  let invite: string | undefined;
  if (visibility === "private") {
    const made = await socket.emitWithAck("room:invite", { roomId: created.data.room.id });
    if (!made.ok) throw new Error(made.error.message);
    invite = made.data.token;
  }
  return { ...created.data.room, owner: { ...owner, socket }, invite };
}

const names = (online: Array<{ name: string }>) => online.map((u) => u.name).sort();
const other = (t: TransportName): TransportName => (t === "ws" ? "socket.io" : "ws");

describe.each(["socket.io", "ws"] as const)("over %s", (transport) => {
  it("join answers with the room, its latest history and who is here; others hear the newcomer", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    const first = await ada.request("room:join", { slug: r.slug });
    expect(first).toMatchObject({ ok: true, data: { room: { id: r.id, slug: r.slug }, history: { messages: [], hasMore: false }, typing: [] } });
    expect(first.ok && names(first.data.online)).toEqual(["Ada"]);
    expect((await bob.request("room:join", { slug: r.slug })).ok).toBe(true);
    const seen = await ada.next((e) => e.type === "presence.changed" && e.online.length === 2);
    expect(seen.type === "presence.changed" && names(seen.online)).toEqual(["Ada", "Bob"]);
  });

  it("send is acknowledged after commit with its seq, and every member hears it once, on both transports", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    const cat = await client(transport, "Cat");
    for (const c of [ada, bob, cat]) expect((await c.request("room:join", { slug: r.slug })).ok).toBe(true);
    const sent = await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "hello both transports" });
    expect(sent).toMatchObject({ ok: true, data: { duplicate: false, message: { seq: 1, body: "hello both transports", author: { name: "Ada" } } } });
    for (const c of [ada, bob, cat]) {
      const heard = await c.next((e) => e.type === "message.created");
      expect(heard.type === "message.created" && heard.message.id).toBe(sent.ok && sent.data.message.id);
    }
  });

  it("a resent clientId is stored once and heard once", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    for (const c of [ada, bob]) await c.request("room:join", { slug: r.slug });
    const clientId = randomUUID();
    const first = await ada.request("message:send", { roomId: r.id, clientId, body: "once" });
    const again = await ada.request("message:send", { roomId: r.id, clientId, body: "once" });
    expect(again).toMatchObject({ ok: true, data: { duplicate: true, message: { id: first.ok && first.data.message.id, seq: 1 } } });
    await bob.next((e) => e.type === "message.created");
    const marker = await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "after" });
    const next = await bob.next((e) => e.type === "message.created");
    expect(next.type === "message.created" && next.message.seq).toBe(marker.ok && marker.data.message.seq);
  });

  it("history pages backwards and forwards by seq; a rejoin with `after` gets what it missed", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    await ada.request("room:join", { slug: r.slug });
    for (let i = 1; i <= 5; i++) await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: `m${i}` });
    const older = await ada.request("message:history", { roomId: r.id, before: 4, limit: 2 });
    expect(older.ok && older.data.messages.map((m: { body: string }) => m.body)).toEqual(["m2", "m3"]);
    expect(older.ok && older.data.hasMore).toBe(true);
    const newer = await ada.request("message:history", { roomId: r.id, after: 3 });
    expect(newer.ok && newer.data.messages.map((m: { body: string }) => m.body)).toEqual(["m4", "m5"]);
    const rejoin = await ada.request("room:join", { slug: r.slug, after: 2 });
    expect(rejoin.ok && rejoin.data.history.messages.map((m: { seq: number }) => m.seq)).toEqual([3, 4, 5]);
  });

  it("typing reaches the others, not the typist, and needs a joined room", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    for (const c of [ada, bob]) await c.request("room:join", { slug: r.slug });
    expect(await ada.request("typing:start", { roomId: r.id })).toMatchObject({ ok: true });
    expect(await bob.next((e) => e.type === "typing.changed")).toMatchObject({ roomId: r.id, user: { name: "Ada" }, typing: true });
    // Someone joining mid-sentence hears it in the join.
    const cat = await client(transport, "Cat");
    const joined = await cat.request("room:join", { slug: r.slug });
    expect(joined.ok && names(joined.data.typing)).toEqual(["Ada"]);
    await ada.request("typing:stop", { roomId: r.id });
    expect(await bob.next((e) => e.type === "typing.changed" && !e.typing)).toMatchObject({ user: { name: "Ada" } });
    expect(ada.events.filter((e) => e.type === "typing.changed")).toEqual([]);
    expect(await ada.request("typing:start", { roomId: randomUUID() })).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("leaving takes the client out of presence and out of the room's events", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    for (const c of [ada, bob]) await c.request("room:join", { slug: r.slug });
    expect(await ada.request("room:leave", { roomId: r.id })).toMatchObject({ ok: true });
    const list = await bob.next((e) => e.type === "presence.changed" && names(e.online).join() === "Bob");
    expect(list.type === "presence.changed" && names(list.online)).toEqual(["Bob"]);
    await bob.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "anyone?" });
    await bob.next((e) => e.type === "message.created");
    expect(ada.events.filter((e) => e.type === "message.created")).toEqual([]);
  });

  it("revocation: a removed member stops hearing the room at once and is told; everyone left sees the new presence list", async () => {
    server = await startTestServer();
    const r = await room("private");
    const eve = await client(transport, "Eve");
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    for (const c of [eve, ada, bob]) expect((await c.request("room:join", { slug: r.slug, invite: r.invite })).ok).toBe(true);
    await ada.next((e) => e.type === "presence.changed" && e.online.length === 3);
    await bob.next((e) => e.type === "presence.changed" && e.online.length === 3);

    const removed = await r.owner.socket.emitWithAck("room:remove-member", { roomId: r.id, userId: eve.user.id });
    expect(removed.ok).toBe(true);
    expect(await eve.next((e) => e.type === "access.revoked")).toMatchObject({ roomId: r.id, reason: "removed" });
    // The gap this suite closes: both transports' remaining members get the list without Eve.
    for (const c of [ada, bob]) {
      const list = await c.next((e) => e.type === "presence.changed" && !e.online.some((u) => u.name === "Eve"));
      expect(list.type === "presence.changed" && names(list.online)).toEqual(["Ada", "Bob"]);
    }
    await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "after Eve left" });
    await bob.next((e) => e.type === "message.created");
    expect(eve.events.filter((e) => e.type === "message.created")).toEqual([]);
    expect(await eve.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "still here?" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await eve.request("room:join", { slug: r.slug })).toMatchObject({ ok: false, error: { code: "not_found" } });
    // The invite Eve came in with does not undo her removal; a new one, made after it, does.
    expect(await eve.request("room:join", { slug: r.slug, invite: r.invite })).toMatchObject({ ok: false, error: { code: "not_found" } });
    const fresh = await r.owner.socket.emitWithAck("room:invite", { roomId: r.id });
    expect(await eve.request("room:join", { slug: r.slug, invite: fresh.ok && fresh.data.token })).toMatchObject({ ok: true });
  });

  it("a deleted room: its members are told, and it is gone", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    await ada.request("room:join", { slug: r.slug });
    expect((await r.owner.socket.emitWithAck("room:delete", { roomId: r.id })).ok).toBe(true);
    expect(await ada.next((e) => e.type === "access.revoked")).toMatchObject({ roomId: r.id, reason: "deleted" });
    expect(await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "hello?" })).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("refuses bad input with a clear code and changes nothing", async () => {
    server = await startTestServer();
    const r = await room("private");
    const ada = await client(transport, "Ada");
    expect(await ada.request("room:join", { slug: r.slug })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "let me in" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await ada.request("message:history", { roomId: r.id })).toMatchObject({ ok: false, error: { code: "not_found" } });
    const open = await room();
    await ada.request("room:join", { slug: open.slug });
    expect(await ada.request("message:send", { roomId: open.id, clientId: "not-a-uuid", body: "x" })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect(await ada.request("message:send", { roomId: open.id, clientId: randomUUID(), body: "   " })).toMatchObject({ ok: false, error: { code: "message_empty" } });
    expect(await ada.request("message:send", { roomId: open.id, clientId: randomUUID(), body: "x".repeat(4001) })).toMatchObject({ ok: false, error: { code: "message_too_long" } });
    expect(await ada.request("message:history", { roomId: open.id, before: 5, after: 1 })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    const page = await ada.request("message:history", { roomId: open.id });
    expect(page.ok && page.data.messages).toEqual([]);
  });
});

describe.each(["socket.io", "ws"] as const)("changes over %s", (transport) => {
  /** Ada (this transport) and Bob (the other) in a room with one message of Ada's. */
  async function conversation() {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    for (const c of [ada, bob]) expect((await c.request("room:join", { slug: r.slug })).ok).toBe(true);
    const sent = await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "helo wrold" });
    if (!sent.ok) throw new Error(sent.error.message);
    for (const c of [ada, bob]) await c.next((e) => e.type === "message.created");
    return { r, ada, bob, message: sent.data.message as { id: string; seq: number } };
  }
  const ref = (r: { id: string }, message: { id: string }) => ({ roomId: r.id, messageId: message.id, clientChangeId: randomUUID() });
  const changed = (c: TransportClient) => c.next((e) => e.type === "message.changed");

  it("an edit, reactions and a deletion: each acknowledged with the room's next cseq and heard once by everyone", async () => {
    const { r, ada, bob, message } = await conversation();
    const edit = await ada.request("message:edit", { ...ref(r, message), body: "hello world" });
    expect(edit).toMatchObject({ ok: true, data: { duplicate: false, change: { cseq: 1, kind: "edit", body: "hello world", messageId: message.id, messageSeq: 1 } } });
    const react = await bob.request("reaction:add", { ...ref(r, message), emoji: "👍" });
    expect(react).toMatchObject({ ok: true, data: { change: { cseq: 2, kind: "react", emoji: "👍", actor: { name: "Bob" } } } });
    // Reacting again with the same emoji changes nothing.
    expect(await bob.request("reaction:add", { ...ref(r, message), emoji: "👍" })).toMatchObject({ ok: true, data: { change: null } });
    const unreact = await bob.request("reaction:remove", { ...ref(r, message), emoji: "👍" });
    expect(unreact).toMatchObject({ ok: true, data: { change: { cseq: 3, kind: "unreact" } } });
    const del = await ada.request("message:delete", ref(r, message));
    expect(del).toMatchObject({ ok: true, data: { change: { cseq: 4, kind: "delete" } } });
    for (const c of [ada, bob]) {
      const heard = [];
      for (let i = 0; i < 4; i++) heard.push(await changed(c));
      expect(heard.map((e) => e.type === "message.changed" && [e.change.cseq, e.change.kind])).toEqual([[1, "edit"], [2, "react"], [3, "unreact"], [4, "delete"]]);
    }
    const page = await bob.request("message:history", { roomId: r.id });
    expect(page.ok && page.data.messages).toEqual([expect.objectContaining({ id: message.id, body: "", deleted: true, editedAt: expect.any(String) })]);
  });

  it("a resent change is applied once: the same answer, no second event", async () => {
    const { r, ada, bob, message } = await conversation();
    const change = { ...ref(r, message), body: "hello world" };
    const first = await ada.request("message:edit", change);
    const again = await ada.request("message:edit", change);
    expect(again).toMatchObject({ ok: true, data: { duplicate: true, change: { cseq: 1 } } });
    expect(first.ok && again.ok && again.data.change).toEqual(first.ok && first.data.change);
    for (const c of [ada, bob]) expect(await changed(c)).toMatchObject({ change: { cseq: 1 } });
    const reaction = { ...ref(r, message), emoji: "🎉" };
    await bob.request("reaction:add", reaction);
    expect(await bob.request("reaction:add", reaction)).toMatchObject({ ok: true, data: { duplicate: true, change: { cseq: 2 } } });
    for (const c of [ada, bob]) expect(await changed(c)).toMatchObject({ change: { cseq: 2 } });
    const marker = await ada.request("reaction:add", { ...ref(r, message), emoji: "😮" });
    // The next change Bob hears is the marker: nothing was heard twice in between.
    expect(await changed(bob)).toMatchObject({ change: { cseq: marker.ok && marker.data.change.cseq } });
  });

  it("concurrent edits from two connections of one user converge to the server's order", async () => {
    const { r, ada, bob, message } = await conversation();
    const edits = await Promise.all(["first version", "second version", "third version"].map((body) => ada.request("message:edit", { ...ref(r, message), body })));
    const ordered = edits.map((e) => (e.ok ? e.data.change : null)).sort((a, b) => a.cseq - b.cseq);
    expect(ordered.map((c) => c.cseq)).toEqual([1, 2, 3]);
    const heard = [await changed(bob), await changed(bob), await changed(bob)];
    expect(heard.map((e) => e.type === "message.changed" && e.change.cseq)).toEqual([1, 2, 3]);
    const page = await bob.request("message:history", { roomId: r.id });
    expect(page.ok && page.data.messages[0].body).toBe(ordered[2].body);
  });

  it("a client that was away catches up on every change in its rejoin, and a fresh join sees the current state", async () => {
    const { r, ada, bob, message } = await conversation();
    const held = await bob.request("room:join", { slug: r.slug });
    const cursor = held.ok ? held.data.changeCursor : -1;
    expect(cursor).toBe(0);
    bob.close(); // away
    const second = await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "to be deleted" });
    await ada.request("message:edit", { ...ref(r, message), body: "hello world" });
    await ada.request("reaction:add", { ...ref(r, message), emoji: "❤️" });
    await ada.request("message:delete", { ...ref(r, second.ok ? second.data.message : message) });

    const back = await client(other(transport), "Bob again");
    const rejoin = await back.request("room:join", { slug: r.slug, after: 1, changesAfter: cursor });
    expect(rejoin.ok).toBe(true);
    if (!rejoin.ok) return;
    // The messages the changes touched, as they are now: the edited one (with its reaction)
    // and the deleted one, whatever the number of changes.
    expect(rejoin.data.changed.messages.map((m: { seq: number; body: string; deleted?: boolean; reactions?: unknown[] }) => [m.seq, m.body, m.deleted ?? false, m.reactions?.length ?? 0])).toEqual([
      [1, "hello world", false, 1],
      [2, "", true, 0],
    ]);
    expect(rejoin.data.changed.hasMore).toBe(false);
    expect(rejoin.data.changeCursor).toBe(3);
    // The deleted message comes back as a tombstone: its seq is kept, its text is gone.
    expect(rejoin.data.history.messages).toEqual([expect.objectContaining({ seq: 2, body: "", deleted: true })]);
    const fresh = await client(transport, "Cat");
    const joined = await fresh.request("room:join", { slug: r.slug });
    expect(joined.ok && joined.data.history.messages.map((m: { body: string; deleted?: boolean; reactions?: unknown }) => [m.body, m.deleted ?? false, m.reactions ?? []])).toEqual([
      ["hello world", false, [{ emoji: "❤️", users: [{ id: ada.user.id, name: "Ada" }] }]],
      ["", true, []],
    ]);
    const later = await fresh.request("message:changes", { roomId: r.id, after: 1 });
    expect(later.ok && later.data.changes.map((c: { cseq: number }) => c.cseq)).toEqual([2, 3]);
  });

  it("a reply carries a quote of its original, as the original is now", async () => {
    const { r, ada, bob, message } = await conversation();
    const reply = await bob.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "you mean hello world?", replyTo: message.id });
    expect(reply).toMatchObject({ ok: true, data: { message: { replyTo: { id: message.id, seq: 1, author: { name: "Ada" }, excerpt: "helo wrold" } } } });
    const heard = await ada.next((e) => e.type === "message.created" && e.message.seq === 2);
    expect(heard.type === "message.created" && heard.message.replyTo).toMatchObject({ id: message.id, excerpt: "helo wrold" });
    await ada.request("message:edit", { ...ref(r, message), body: "hello world" });
    let page = await ada.request("message:history", { roomId: r.id });
    expect(page.ok && page.data.messages[1].replyTo).toMatchObject({ excerpt: "hello world" });
    await ada.request("message:delete", ref(r, message));
    page = await ada.request("message:history", { roomId: r.id });
    expect(page.ok && page.data.messages[1].replyTo).toEqual({ id: message.id, seq: 1, author: { id: ada.user.id, name: "Ada" }, excerpt: "", deleted: true });
    // A reply to a message of another room, or to none, is refused and nothing is stored.
    const elsewhere = await room();
    await bob.request("room:join", { slug: elsewhere.slug });
    expect(await bob.request("message:send", { roomId: elsewhere.id, clientId: randomUUID(), body: "cross", replyTo: message.id })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await bob.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "ghost", replyTo: randomUUID() })).toMatchObject({ ok: false, error: { code: "not_found" } });
    const there = await bob.request("message:history", { roomId: elsewhere.id });
    expect(there.ok && there.data.messages).toEqual([]);
  });

  it("history around a seq: the page centred on it, and whether older messages exist", async () => {
    const { r, ada } = await conversation();
    for (let i = 2; i <= 30; i++) await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: `m${i}` });
    const around = await ada.request("message:history", { roomId: r.id, around: 15, limit: 10 });
    expect(around.ok && around.data.messages.map((m: { seq: number }) => m.seq)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(around.ok && around.data.hasMore).toBe(true);
    const start = await ada.request("message:history", { roomId: r.id, around: 2, limit: 10 });
    expect(start.ok && start.data.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(start.ok && start.data.hasMore).toBe(false);
    expect(await ada.request("message:history", { roomId: r.id, around: 5, after: 2 })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
  });

  it("refuses what is not allowed with a clear code, and changes nothing", async () => {
    const { r, ada, bob, message } = await conversation();
    expect(await bob.request("message:edit", { ...ref(r, message), body: "mine now" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await bob.request("message:delete", ref(r, message))).toMatchObject({ ok: false, error: { code: "forbidden" } });
    for (const emoji of ["ok", "👍👍", "", "👍 ", "a".repeat(300)]) {
      const answer = await bob.request("reaction:add", { ...ref(r, message), emoji });
      expect(answer.ok ? "accepted" : answer.error.code, JSON.stringify(emoji)).toMatch(/^(reaction_invalid|invalid_payload)$/);
    }
    expect(await ada.request("message:edit", { ...ref(r, message), body: "   " })).toMatchObject({ ok: false, error: { code: "message_empty" } });
    expect(await ada.request("message:edit", { ...ref(r, message), body: "x".repeat(4001) })).toMatchObject({ ok: false, error: { code: "message_too_long" } });
    // A message of another room, or of a room one may not read.
    const elsewhere = await room("private");
    expect(await ada.request("reaction:add", { ...ref(elsewhere, message), emoji: "👍" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    const open = await room();
    await ada.request("room:join", { slug: open.slug });
    expect(await ada.request("message:edit", { ...ref(open, message), body: "moved?" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await ada.request("message:edit", { ...ref(r, { id: randomUUID() }), body: "ghost" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await ada.request("message:changes", { roomId: elsewhere.id, after: 0 })).toMatchObject({ ok: false, error: { code: "not_found" } });
    // Nothing changed: no change was recorded and the text is as sent.
    const page = await bob.request("message:history", { roomId: r.id });
    expect(page.ok && page.data.messages[0]).toMatchObject({ body: "helo wrold" });
    expect(page.ok && page.data.messages[0].editedAt).toBeUndefined();
    const changes = await bob.request("message:changes", { roomId: r.id, after: 0 });
    expect(changes.ok && changes.data.changes).toEqual([]);
    // A deleted message cannot be edited or reacted to.
    await ada.request("message:delete", ref(r, message));
    expect(await ada.request("message:edit", { ...ref(r, message), body: "back" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await bob.request("reaction:add", { ...ref(r, message), emoji: "👍" })).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("a message carries 20 different reactions at most; more people may give one already there", async () => {
    const { r, ada, bob, message } = await conversation();
    const emoji = ["😀", "😃", "😄", "😁", "😆", "😅", "🤣", "😂", "🙂", "🙃", "😉", "😊", "😇", "🥰", "😍", "🤩", "😘", "😗", "😚", "😙", "😋"];
    for (const e of emoji.slice(0, 20)) expect((await ada.request("reaction:add", { ...ref(r, message), emoji: e })).ok, e).toBe(true);
    expect(await ada.request("reaction:add", { ...ref(r, message), emoji: emoji[20] })).toMatchObject({ ok: false, error: { code: "reaction_invalid" } });
    expect(await bob.request("reaction:add", { ...ref(r, message), emoji: emoji[20] })).toMatchObject({ ok: false, error: { code: "reaction_invalid" } });
    // One already there: anyone may add theirs.
    expect((await bob.request("reaction:add", { ...ref(r, message), emoji: emoji[0] })).ok).toBe(true);
    const page = await bob.request("message:history", { roomId: r.id });
    expect(page.ok && page.data.messages[0].reactions).toHaveLength(20);
  });

  it("refuses changes by a removed member, a non-member and a direct conversation's outsider, on messages of the right room", async () => {
    server = await startTestServer();
    const r = await room("private");
    const eve = await client(transport, "Eve");
    const bob = await client(other(transport), "Bob");
    const cat = await client(transport, "Cat");
    for (const c of [eve, bob]) expect((await c.request("room:join", { slug: r.slug, invite: r.invite })).ok).toBe(true);
    const evesAck = await eve.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "Eve's" });
    const bobsAck = await bob.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "Bob's" });
    if (!evesAck.ok || !bobsAck.ok) throw new Error("sends");
    const [eves, bobs] = [evesAck.data.message, bobsAck.data.message] as Array<{ id: string }>;
    // Cat never joined: a reaction on a message of this very room (not another room's).
    expect(await cat.request("reaction:add", { ...ref(r, bobs!), emoji: "👍" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    // Eve is removed: her own message can no longer be edited or deleted by her, nor Bob's reacted to.
    expect((await r.owner.socket.emitWithAck("room:remove-member", { roomId: r.id, userId: eve.user.id })).ok).toBe(true);
    await eve.next((e) => e.type === "access.revoked");
    expect(await eve.request("message:edit", { ...ref(r, eves!), body: "rewritten" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await eve.request("message:delete", ref(r, eves!))).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await eve.request("reaction:add", { ...ref(r, bobs!), emoji: "👍" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    // A direct conversation between Bob and Eve: Cat, outside it, can change nothing in it.
    const dmId = directRoomId(bob.user.id, eve.user.id);
    const said = await bob.request("message:send", { roomId: dmId, clientId: randomUUID(), body: "just us" });
    if (!said.ok) throw new Error(said.error.message);
    const dmRef = { roomId: dmId, messageId: (said.data.message as { id: string }).id, clientChangeId: randomUUID() };
    expect(await cat.request("message:edit", { ...dmRef, body: "mine" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await cat.request("message:delete", dmRef)).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await cat.request("reaction:add", { ...dmRef, emoji: "👍" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    // Nothing changed.
    for (const roomId of [r.id, dmId]) {
      const changes = await bob.request("message:changes", { roomId, after: 0 });
      expect(changes.ok && changes.data.changes, roomId).toEqual([]);
    }
  });
});

// Referenced so that a change of the Socket.IO client type shows here too.
export type { ClientSocket };

describe.each(["socket.io", "ws"] as const)("attention over %s", (transport) => {
  /** `n` messages from `from` into the room, one after another. */
  async function say(from: TransportClient, roomId: string, n: number) {
    for (let i = 0; i < n; i++) {
      const sent = await from.request("message:send", { roomId, clientId: randomUUID(), body: `message ${i + 1}` });
      if (!sent.ok) throw new Error(sent.error.message);
    }
  }
  const stateOf = async (c: TransportClient, roomId: string) => {
    const sync = await c.request("attention:sync", {});
    if (!sync.ok) throw new Error(sync.error.message);
    return (sync.data.rooms as Array<{ roomId: string; readSeq: number; latestSeq: number; notify?: string; mentionSeqs?: number[] }>).find((s) => s.roomId === roomId);
  };

  it("joining follows a room from its latest message; a follower who left hears its activity; one's own messages are read", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    expect((await bob.request("room:join", { slug: r.slug })).ok).toBe(true);
    await say(bob, r.id, 2);
    // Ada arrives after two messages: they are not unread for her (she sees them on screen).
    expect(await ada.request("room:join", { slug: r.slug })).toMatchObject({ ok: true, data: { read: { roomId: r.id, readSeq: 2, latestSeq: 2 } } });
    expect((await ada.request("room:leave", { roomId: r.id })).ok).toBe(true);
    expect(await stateOf(ada, r.id)).toEqual({ roomId: r.id, readSeq: 2, latestSeq: 2 });

    await say(bob, r.id, 3);
    const heard = await ada.next((e) => e.type === "room.activity" && e.seq === 5, 5000);
    expect(heard).toMatchObject({ roomId: r.id, seq: 5 });
    // Every author in the window is named with their latest seq: Bob's own read position.
    const readBy = ada.events.concat(heard).filter((e) => e.type === "room.activity").map((e) => (e.type === "room.activity" ? e.readBy[bob.user.id] : 0));
    expect(Math.max(...readBy.filter((v): v is number => v !== undefined))).toBe(5);
    expect(ada.events.filter((e) => e.type === "message.created")).toEqual([]);
    expect(await stateOf(ada, r.id)).toEqual({ roomId: r.id, readSeq: 2, latestSeq: 5 });
    // Bob sent them all: nothing is unread for him.
    expect(await stateOf(bob, r.id)).toEqual({ roomId: r.id, readSeq: 5, latestSeq: 5 });
  });

  it("read:mark moves forward only and never past the latest message; the user's connections hear it", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    for (const c of [ada, bob]) await c.request("room:join", { slug: r.slug });
    await say(bob, r.id, 4);
    expect(await ada.request("read:mark", { roomId: r.id, seq: 3 })).toMatchObject({ ok: true, data: { roomId: r.id, readSeq: 3, latestSeq: 4 } });
    expect(await ada.next((e) => e.type === "attention.changed")).toMatchObject({ read: [{ roomId: r.id, readSeq: 3, latestSeq: 4 }], unfollowed: [] });
    // An older position arriving late (another tab, an outbox) does not move it back.
    expect(await ada.request("read:mark", { roomId: r.id, seq: 1 })).toMatchObject({ ok: true, data: { readSeq: 3 } });
    // A position past the room's end reads up to its end, not into the future.
    expect(await ada.request("read:mark", { roomId: r.id, seq: 1_000_000 })).toMatchObject({ ok: true, data: { readSeq: 4, latestSeq: 4 } });
    await say(bob, r.id, 1);
    expect(await stateOf(ada, r.id)).toEqual({ roomId: r.id, readSeq: 4, latestSeq: 5 });
    expect(bob.events.filter((e) => e.type === "attention.changed")).toEqual([]);
  });

  it("read:all reads every followed room; unfollowing drops a room until it is opened again", async () => {
    server = await startTestServer();
    const [one, two] = [await room(), await room()];
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    for (const c of [ada, bob]) for (const r of [one, two]) await c.request("room:join", { slug: r.slug });
    await say(bob, one.id, 2);
    await say(bob, two.id, 3);
    const all = await ada.request("read:all", {});
    expect(all.ok && (all.data.rooms as unknown[]).length).toBe(2);
    expect(await stateOf(ada, one.id)).toEqual({ roomId: one.id, readSeq: 2, latestSeq: 2 });
    expect(await stateOf(ada, two.id)).toEqual({ roomId: two.id, readSeq: 3, latestSeq: 3 });

    expect((await ada.request("room:unfollow", { roomId: two.id })).ok).toBe(true);
    expect(await ada.next((e) => e.type === "attention.changed" && e.unfollowed.includes(two.id))).toBeTruthy();
    expect(await stateOf(ada, two.id)).toBeUndefined();
    // An open room's messages arrive in full, not as activity: Ada leaves both.
    for (const r of [one, two]) expect((await ada.request("room:leave", { roomId: r.id })).ok).toBe(true);
    await say(bob, two.id, 1);
    await say(bob, one.id, 1);
    // Activity of the followed room arrives; of the unfollowed one, none after it was unfollowed.
    await ada.next((e) => e.type === "room.activity" && e.roomId === one.id && e.seq === 3, 5000);
    expect(ada.events.filter((e) => e.type === "room.activity" && e.roomId === two.id && e.seq > 3)).toEqual([]);
    expect(await ada.request("room:join", { slug: two.slug })).toMatchObject({ ok: true, data: { read: { readSeq: 4, latestSeq: 4 } } });
  });

  it("a private room's removed member no longer has it, hears none of its activity, and cannot mark it read", async () => {
    server = await startTestServer();
    const r = await room("private");
    const eve = await client(transport, "Eve");
    const bob = await client(other(transport), "Bob");
    for (const c of [eve, bob]) expect((await c.request("room:join", { slug: r.slug, invite: r.invite })).ok).toBe(true);
    expect(await stateOf(eve, r.id)).toBeDefined();
    expect((await eve.request("room:leave", { roomId: r.id })).ok).toBe(true);
    expect((await r.owner.socket.emitWithAck("room:remove-member", { roomId: r.id, userId: eve.user.id })).ok).toBe(true);
    await say(bob, r.id, 2);
    await bob.next((e) => e.type === "message.created");
    expect(await eve.request("read:mark", { roomId: r.id, seq: 1 })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await eve.request("room:unfollow", { roomId: r.id })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await stateOf(eve, r.id)).toBeUndefined();
    expect(eve.events.filter((e) => e.type === "room.activity")).toEqual([]);
  });

  it("a mention carries the person's name, counts for them as a mention until read, and reaches no one outside a private room", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    for (const c of [ada, bob]) await c.request("room:join", { slug: r.slug });
    await bob.request("room:leave", { roomId: r.id });
    const sent = await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: `hey <@${bob.user.id}>, and <@nobody-here>` });
    expect(sent).toMatchObject({ ok: true, data: { message: { mentions: [{ id: bob.user.id, name: "Bob" }] } } });
    const heard = await bob.next((e) => e.type === "room.activity" && (e.mentions[bob.user.id] ?? []).includes(1), 5000);
    expect(heard).toMatchObject({ roomId: r.id, seq: 1, mentionAuthors: { 1: ada.user.id } });
    expect(await stateOf(bob, r.id)).toEqual({ roomId: r.id, readSeq: 0, latestSeq: 1, mentionSeqs: [1] });
    const page = await bob.request("message:history", { roomId: r.id });
    expect(page.ok && (page.data.messages as Array<{ mentions?: unknown }>)[0]?.mentions).toEqual([{ id: bob.user.id, name: "Bob" }]);
    const read = await bob.request("read:mark", { roomId: r.id, seq: 1 });
    expect(read.ok && read.data).toEqual({ roomId: r.id, readSeq: 1, latestSeq: 1 });

    // Eve is not a member of the private room: mentioning her tells her nothing.
    const secret = await room("private");
    const eve = await client(transport, "Eve");
    await ada.request("room:join", { slug: secret.slug, invite: secret.invite });
    await ada.request("message:send", { roomId: secret.id, clientId: randomUUID(), body: `psst <@${eve.user.id}>` });
    expect(await stateOf(eve, secret.id)).toBeUndefined();
    expect(eve.events.filter((e) => e.type === "room.activity" || e.type === "message.created")).toEqual([]);
    expect(await eve.request("message:history", { roomId: secret.id })).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("@room is a mention of everyone who follows the room, and is rate-limited", async () => {
    server = await startTestServer({ security: { rateLimitScale: 1 } });
    const r = await room();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    for (const c of [ada, bob]) await c.request("room:join", { slug: r.slug });
    await bob.request("room:leave", { roomId: r.id });
    expect((await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "<@room> standup in 5" })).ok).toBe(true);
    expect(await bob.next((e) => e.type === "room.activity" && (e.mentions.room ?? []).includes(1), 5000)).toBeTruthy();
    expect((await stateOf(bob, r.id))?.mentionSeqs).toEqual([1]);
    for (let i = 0; i < 2; i++) expect((await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: `<@room> again ${i}` })).ok).toBe(true);
    expect(await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "<@room> once more" })).toMatchObject({ ok: false, error: { code: "rate_limited" } });
  });

  it("a room's notification level is kept per user, heard by their every connection, and back to the default on request", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    await ada.request("room:join", { slug: r.slug });
    expect(await ada.request("room:notify", { roomId: r.id, level: "all" })).toMatchObject({ ok: true, data: { roomId: r.id, notify: "all" } });
    expect(await ada.next((e) => e.type === "attention.changed" && e.read[0]?.notify === "all")).toBeTruthy();
    expect((await stateOf(ada, r.id))?.notify).toBe("all");
    const back = await ada.request("room:notify", { roomId: r.id, level: "default" });
    expect(back.ok && back.data).toEqual({ roomId: r.id, readSeq: 0, latestSeq: 0 });
    expect(await ada.request("room:notify", { roomId: r.id, level: "loud" })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    const secret = await room("private");
    expect(await ada.request("room:notify", { roomId: secret.id, level: "off" })).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("refuses bad input with a clear code", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    await ada.request("room:join", { slug: r.slug });
    expect(await ada.request("read:mark", { roomId: r.id, seq: -1 })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect(await ada.request("read:mark", { roomId: r.id, seq: "3" })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect(await ada.request("read:mark", { roomId: r.id })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect(await ada.request("read:mark", { roomId: "no-such-room", seq: 1 })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await ada.request("room:unfollow", { roomId: "no-such-room" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await ada.request("attention:sync", { extra: true })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect(await stateOf(ada, r.id)).toEqual({ roomId: r.id, readSeq: 0, latestSeq: 0 });
  });
});

describe.each(["socket.io", "ws"] as const)("search over %s", (transport) => {
  const send = async (from: TransportClient, roomId: string, body: string) => {
    const sent = await from.request("message:send", { roomId, clientId: randomUUID(), body });
    if (!sent.ok) throw new Error(sent.error.message);
    return sent.data as { message: { id: string; seq: number } };
  };
  type Page = { results: Array<{ message: { id: string; seq: number; author: { name: string } }; room: { id: string; name: string }; snippet: { text: string; highlights: Array<[number, number]> } }>; next: string | null };
  const search = async (c: TransportClient, payload: Record<string, unknown>) => {
    const answer = await c.request("message:search", payload);
    if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
    return answer.data as Page;
  };
  const texts = (page: Page) => page.results.map((r) => r.snippet.text);

  it("finds what anyone said in the rooms one may read, with room, author and the matches marked; in:, from: and one room narrow it", async () => {
    server = await startTestServer();
    const a = await room();
    const b = await room();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    for (const c of [ada, bob]) for (const r of [a, b]) expect((await c.request("room:join", { slug: r.slug })).ok).toBe(true);
    const said = await send(bob, a.id, `Release notes for <@${ada.user.id}> are at https://example.com/notes`);
    await send(ada, b.id, "the release is tomorrow");
    await send(ada, a.id, "unrelated");
    const page = await search(ada, { query: "release" });
    expect(texts(page)).toEqual(["the release is tomorrow", "Release notes for @Ada are at https://example.com/notes"]);
    const hit = page.results[1]!;
    expect(hit).toMatchObject({ message: { id: said.message.id, seq: said.message.seq, author: { name: "Bob" } }, room: { id: a.id, name: a.name } });
    expect(hit.snippet.highlights).toEqual([[0, 7]]);
    expect(texts(await search(ada, { query: `in:${b.slug} release` }))).toEqual(["the release is tomorrow"]);
    expect(texts(await search(ada, { query: "from:bob release" }))).toHaveLength(1);
    expect(texts(await search(ada, { query: "release", roomId: a.id }))).toHaveLength(1);
    expect(texts(await search(ada, { query: "example.com/notes" }))).toHaveLength(1);
    // The hit opens in its room: the history around its seq holds it.
    const around = await ada.request("message:history", { roomId: a.id, around: said.message.seq });
    expect(around.ok && (around.data as { messages: Array<{ id: string }> }).messages.some((m) => m.id === said.message.id)).toBe(true);
  });

  it("a private room's messages: found by its members only, by a removed member no more, and its id is not_found to others", async () => {
    server = await startTestServer();
    const secret = await room("private");
    const eve = await client(transport, "Eve");
    const mallory = await client(other(transport), "Mallory");
    expect((await eve.request("room:join", { slug: secret.slug, invite: secret.invite })).ok).toBe(true);
    await send(eve, secret.id, "the vault code is 0451");
    expect(texts(await search(eve, { query: "vault" }))).toHaveLength(1);
    expect(texts(await search(mallory, { query: "vault" }))).toEqual([]);
    expect(texts(await search(mallory, { query: `in:${secret.slug} vault` }))).toEqual([]);
    expect(await mallory.request("message:search", { query: "vault", roomId: secret.id })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await mallory.request("message:search", { query: "vault", roomId: randomUUID() })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect((await secret.owner.socket.emitWithAck("room:remove-member", { roomId: secret.id, userId: eve.user.id })).ok).toBe(true);
    expect(texts(await search(eve, { query: "vault" }))).toEqual([]);
    expect(await eve.request("message:search", { query: "vault", roomId: secret.id })).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("an edit or a deletion changes what is found at once", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    await ada.request("room:join", { slug: r.slug });
    const { message } = await send(ada, r.id, "lunch at noon");
    expect((await ada.request("message:edit", { roomId: r.id, messageId: message.id, clientChangeId: randomUUID(), body: "lunch at one" })).ok).toBe(true);
    expect(texts(await search(ada, { query: "noon" }))).toEqual([]);
    expect(texts(await search(ada, { query: "lunch" }))).toEqual(["lunch at one"]);
    expect((await ada.request("message:delete", { roomId: r.id, messageId: message.id, clientChangeId: randomUUID() })).ok).toBe(true);
    expect(texts(await search(ada, { query: "lunch" }))).toEqual([]);
  });

  it("pages with `next`; hostile queries get an answer; bad input a clear code; searches are rate-limited", async () => {
    server = await startTestServer({ security: { rateLimitScale: 1 } });
    const r = await room();
    const ada = await client(transport, "Ada");
    await ada.request("room:join", { slug: r.slug });
    for (let i = 0; i < 5; i++) await send(ada, r.id, `note ${i}`);
    const first = await search(ada, { query: "note", limit: 3 });
    expect(texts(first)).toEqual(["note 4", "note 3", "note 2"]);
    const second = await search(ada, { query: "note", limit: 3, cursor: first.next });
    expect(texts(second)).toEqual(["note 1", "note 0"]);
    expect(second.next).toBeNull();
    for (const query of ['"', "NEAR(", "*", "OR", "-", "'", "x".repeat(10_000), "note\u0000", "\u0000", "a\u0000b from:\u0000"]) expect((await ada.request("message:search", { query })).ok, query).toBe(true);
    expect(await ada.request("message:search", { query: 42 })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect(await ada.request("message:search", { query: "a", limit: 0 })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect(await ada.request("message:search", { query: "a", cursor: "nonsense" })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    // 20 searches per user per 10 seconds (the real budget): the ones above spent part of it.
    let refused: unknown;
    for (let i = 0; i < 25 && !refused; i++) {
      const answer = await ada.request("message:search", { query: "note" });
      if (!answer.ok) refused = answer.error;
    }
    expect(refused).toMatchObject({ code: "rate_limited" });
  });

  it("one search at a time per user: a second sent before the first is answered is refused", async () => {
    server = await startTestServer();
    const ada = await client(transport, "Ada");
    const answers = await Promise.all(Array.from({ length: 5 }, () => ada.request("message:search", { query: "anything at all" })));
    expect(answers.filter((a) => a.ok).length).toBeGreaterThanOrEqual(1);
    expect(answers.filter((a) => !a.ok).map((a) => !a.ok && a.error.code)).toEqual(Array(answers.filter((a) => !a.ok).length).fill("rate_limited"));
    expect(answers.some((a) => !a.ok)).toBe(true);
    // Once answered, the next is free to go.
    expect((await ada.request("message:search", { query: "again" })).ok).toBe(true);
  });
});

describe.each(["socket.io", "ws"] as const)("direct conversations over %s", (transport) => {
  const dm = (a: TransportClient, b: TransportClient) => directRoomId(a.user.id, b.user.id);
  const send = (from: TransportClient, roomId: string, body: string, clientId: string = randomUUID()) =>
    from.request("message:send", { roomId, clientId, body });

  it("both open it at once and both write first: one conversation, both messages once, named after the other in each one's list", async () => {
    server = await startTestServer();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    const id = dm(ada, bob);
    const [aJoin, bJoin] = await Promise.all([ada.request("room:join", { slug: id }), bob.request("room:join", { slug: id })]);
    // Opening creates nothing: a draft, named after the other person.
    expect(aJoin).toMatchObject({ ok: true, data: { room: { id, visibility: "direct", name: "Bob", peer: { id: bob.user.id }, draft: true }, history: { messages: [] } } });
    expect(bJoin).toMatchObject({ ok: true, data: { room: { id, name: "Ada", draft: true } } });
    const [a, b] = await Promise.all([send(ada, id, "hi Bob"), send(bob, id, "hi Ada")]);
    expect(a.ok && b.ok).toBe(true);
    const seqs = [a, b].map((r) => (r.ok ? (r.data as { message: { seq: number } }).message.seq : 0)).sort();
    expect(seqs).toEqual([1, 2]);
    for (const c of [ada, bob]) {
      const heard: string[] = [];
      for (let i = 0; i < 2; i++) {
        const e = await c.next((x) => x.type === "message.created" && x.roomId === id);
        if (e.type === "message.created") heard.push(e.message.body);
      }
      expect(heard.sort()).toEqual(["hi Ada", "hi Bob"]);
      // Told once that the conversation is in their list, named after the other person.
      const added = await c.next((x) => x.type === "room.added" && x.room.id === id);
      expect(added.type === "room.added" && added.room.name).toBe(c === ada ? "Bob" : "Ada");
    }
    // Rejoined: it exists now (no draft), with both messages, and is followed with nothing unread for its writers.
    const again = await ada.request("room:join", { slug: id });
    expect(again.ok && again.data.room.draft).toBeUndefined();
    expect(again.ok && again.data.history.messages.map((m: { body: string }) => m.body).sort()).toEqual(["hi Ada", "hi Bob"]);
    const synced = await bob.request("attention:sync", {});
    expect(synced.ok && synced.data.rooms.some((s: { roomId: string }) => s.roomId === id)).toBe(true);
    // One conversation per pair, whoever asks and however often.
    expect(dm(bob, ada)).toBe(id);
  });

  it("a resent first message creates the conversation once and is stored once", async () => {
    server = await startTestServer();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    const id = dm(ada, bob);
    expect((await bob.request("room:join", { slug: id })).ok).toBe(true);
    const clientId = randomUUID();
    // An outbox replaying after a lost acknowledgement: the same message twice, at once.
    const [first, second] = await Promise.all([send(ada, id, "written offline", clientId), send(ada, id, "written offline", clientId)]);
    expect(first.ok && second.ok).toBe(true);
    expect([first, second].map((r) => r.ok && r.data.duplicate).sort()).toEqual([false, true]);
    const heard = await bob.next((e) => e.type === "message.created" && e.roomId === id);
    expect(heard.type === "message.created" && heard.message.seq).toBe(1);
    await expect(bob.next((e) => e.type === "message.created" && e.roomId === id, 300)).rejects.toThrow(/no matching event/);
    const history = await bob.request("message:history", { roomId: id });
    expect(history.ok && history.data.messages).toHaveLength(1);
  });

  it("a third user, their bot, and guessed ids get not_found for join, history, send and search", async () => {
    server = await startTestServer();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    const id = dm(ada, bob);
    expect((await send(ada, id, "the secret handshake")).ok).toBe(true);
    // A browser user and a bot of a third person, on both transports.
    const outsiders = [await client(transport, "Mallory"), await client(other(transport), "Trudy")];
    const guessed = [id, directRoomId(ada.user.id, "nobody-at-all"), "dm.a.b", `dm.${bob.user.id}.${ada.user.id}`];
    for (const who of outsiders) {
      for (const slug of guessed) {
        expect(await who.request("room:join", { slug })).toMatchObject({ ok: false, error: { code: "not_found" } });
        expect(await who.request("message:history", { roomId: slug })).toMatchObject({ ok: false, error: { code: "not_found" } });
        expect(await send(who, slug, "let me in")).toMatchObject({ ok: false, error: { code: "not_found" } });
        expect(await who.request("message:search", { query: "secret", roomId: slug })).toMatchObject({ ok: false, error: { code: "not_found" } });
        expect(await who.request("message:changes", { roomId: slug, after: 0 })).toMatchObject({ ok: false, error: { code: "not_found" } });
        expect(await who.request("read:mark", { roomId: slug, seq: 1 })).toMatchObject({ ok: false, error: { code: "not_found" } });
      }
      const everywhere = await who.request("message:search", { query: "handshake" });
      expect(everywhere.ok && everywhere.data.results).toEqual([]);
      // Writing into a conversation with someone else's id does not create one.
      expect(await send(who, directRoomId(who.user.id, ada.user.id).replace(who.user.id, bob.user.id), "x")).toMatchObject({ ok: false });
    }
    // Its two people find it, named after the other one, also with in:<their name>.
    const found = await bob.request("message:search", { query: "handshake" });
    expect(found.ok && found.data.results.map((r: { room: { name: string } }) => r.room.name)).toEqual(["Ada"]);
    const narrowed = await bob.request("message:search", { query: "in:ada handshake" });
    expect(narrowed.ok && narrowed.data.results).toHaveLength(1);
    const outsider = await outsiders[0]!.request("message:search", { query: "in:ada handshake" });
    expect(outsider.ok && outsider.data.results).toEqual([]);
    // A conversation with someone who does not exist is not_found to the person asking too.
    expect(await ada.request("room:join", { slug: directRoomId(ada.user.id, "nobody-at-all") })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await send(ada, directRoomId(ada.user.id, "nobody-at-all"), "hello?")).toMatchObject({ ok: false, error: { code: "not_found" } });
    // Nothing was created by those attempts.
    expect((await ada.request("message:history", { roomId: directRoomId(ada.user.id, "nobody-at-all") })).ok).toBe(false);
  });

  it("blocking: neither can write to the other, a new conversation cannot be opened, and every tab of the blocker hears it; unblocking undoes it", async () => {
    server = await startTestServer();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    const cat = await client(transport, "Cat");
    const id = dm(ada, bob);
    expect((await send(ada, id, "hello")).ok).toBe(true);
    expect(await bob.request("user:block", { userId: ada.user.id, blocked: true })).toMatchObject({ ok: true, data: { blocked: [{ id: ada.user.id, name: "Ada" }] } });
    const heard = await bob.next((e) => e.type === "blocks.changed");
    expect(heard.type === "blocks.changed" && heard.blocked.map((u) => u.name)).toEqual(["Ada"]);
    expect(await send(ada, id, "are you there?")).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await send(bob, id, "no")).toMatchObject({ ok: false, error: { code: "forbidden" } });
    // Nor edit, react or type there; taking back one's own message still works.
    const first = ((await bob.request("message:history", { roomId: id })) as { data: { messages: Array<{ id: string }> } }).data.messages[0]!;
    expect(await ada.request("message:edit", { roomId: id, messageId: first.id, clientChangeId: randomUUID(), body: "edited after the block" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await ada.request("reaction:add", { roomId: id, messageId: first.id, clientChangeId: randomUUID(), emoji: "👍" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await bob.request("reaction:add", { roomId: id, messageId: first.id, clientChangeId: randomUUID(), emoji: "👍" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect((await ada.request("room:join", { slug: id })).ok).toBe(true);
    expect(await ada.request("typing:start", { roomId: id })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    // In a room they share, Ada's mentions of Bob do not count for him.
    const shared = await room();
    for (const c of [ada, bob]) expect((await c.request("room:join", { slug: shared.slug })).ok).toBe(true);
    expect((await bob.request("room:leave", { roomId: shared.id })).ok).toBe(true);
    expect((await send(ada, shared.id, `hey <@${bob.user.id}>`)).ok).toBe(true);
    const state = await bob.request("attention:sync", {});
    expect(state.ok && (state.data.rooms as Array<{ roomId: string; latestSeq: number; mentionSeqs?: number[] }>).find((r) => r.roomId === shared.id)).toMatchObject({ latestSeq: 1 });
    expect(state.ok && (state.data.rooms as Array<{ roomId: string; mentionSeqs?: number[] }>).find((r) => r.roomId === shared.id)?.mentionSeqs).toBeUndefined();
    expect((await ada.request("message:delete", { roomId: id, messageId: first.id, clientChangeId: randomUUID() })).ok).toBe(true);
    // Its history stays readable to both; a conversation not yet started cannot be opened.
    expect((await bob.request("message:history", { roomId: id })).ok).toBe(true);
    const bobCat = dm(bob, cat);
    expect((await bob.request("user:block", { userId: cat.user.id, blocked: true })).ok).toBe(true);
    expect(await cat.request("room:join", { slug: bobCat })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await send(cat, bobCat, "hi")).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await bob.request("user:blocks", {})).toMatchObject({ ok: true, data: { blocked: [{ name: "Ada" }, { name: "Cat" }] } });
    // Refusals that say why: oneself, someone who does not exist, a malformed request.
    expect(await bob.request("user:block", { userId: bob.user.id, blocked: true })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect(await bob.request("user:block", { userId: "nobody-at-all", blocked: true })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await bob.request("user:block", { userId: ada.user.id })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect((await bob.request("user:block", { userId: ada.user.id, blocked: false })).ok).toBe(true);
    expect((await send(ada, id, "are you there now?")).ok).toBe(true);
  });

  it("with guests' direct messages turned off, guests can neither open nor write one; accounts still can", async () => {
    server = await startTestServer({ guestDirectMessages: false });
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    // The Socket.IO client is a guest, the /ws one an account's bot.
    const guest = ada.transport === "socket.io" ? ada : bob;
    const account = guest === ada ? bob : ada;
    const id = dm(ada, bob);
    for (const c of [ada, bob]) {
      expect(await c.request("room:join", { slug: id })).toMatchObject({ ok: false, error: { code: "forbidden", message: expect.stringMatching(/guests/) } });
      expect(await send(c, id, "hi")).toMatchObject({ ok: false, error: { code: "forbidden" } });
    }
    const another = await client("ws", "Dee");
    expect((await send(account, dm(account, another), "accounts still can")).ok).toBe(true);
    expect(guest.user.id).not.toBe(account.user.id);
  });

  it("a note to oneself is a conversation of one", async () => {
    server = await startTestServer();
    const ada = await client(transport, "Ada");
    const id = directRoomId(ada.user.id, ada.user.id);
    expect(await ada.request("room:join", { slug: id })).toMatchObject({ ok: true, data: { room: { name: "Ada", draft: true } } });
    expect((await send(ada, id, "remember the milk")).ok).toBe(true);
    const history = await ada.request("message:history", { roomId: id });
    expect(history.ok && history.data.messages.map((m: { body: string }) => m.body)).toEqual(["remember the milk"]);
  });
});

describe("removal and invites", () => {
  it("the invites a removed member made are revoked with them, and one made before by someone else does not let them back", async () => {
    server = await startTestServer();
    const r = await room("private");
    const eve = await server.guest("Eve");
    const eveSocket = await server.socket(eve.cookie);
    const mia = await server.guest("Mia");
    const miaSocket = await server.socket(mia.cookie);
    for (const s of [eveSocket, miaSocket]) expect((await s.emitWithAck("room:join", { slug: r.slug, invite: r.invite! })).ok).toBe(true);
    const mine = await eveSocket.emitWithAck("room:invite", { roomId: r.id });
    const hers = await miaSocket.emitWithAck("room:invite", { roomId: r.id });
    if (!mine.ok || !hers.ok) throw new Error("invites");
    expect((await r.owner.socket.emitWithAck("room:remove-member", { roomId: r.id, userId: eve.user.id })).ok).toBe(true);
    for (const invite of [mine.data.token, hers.data.token, r.invite!]) {
      expect(await eveSocket.emitWithAck("room:join", { slug: r.slug, invite })).toMatchObject({ ok: false, error: { code: "not_found" } });
    }
    // Eve's own link no longer works for anyone; Mia's still does for someone new.
    const newcomer = await server.socket((await server.guest("Newcomer")).cookie);
    expect(await newcomer.emitWithAck("room:join", { slug: r.slug, invite: mine.data.token })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect((await newcomer.emitWithAck("room:join", { slug: r.slug, invite: hers.data.token })).ok).toBe(true);
  });
});
