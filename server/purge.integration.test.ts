/**
 * Removing all of a person's messages over both transports, on both engines: only an
 * administrator may ask (owner, moderator, member and guest are refused and file nothing);
 * the node's runner removes them in every room, each as the moderator's delete change, which
 * every connected client hears ("Removed by a moderator"), history and search follow, and a
 * client that was away catches it up from its change cursor. A ban may ask for it too. A task
 * filed while no node ran it (the command line, a stopped node) is taken at the next start.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { MessageChange } from "./contract/model";
import { startTestServer, type TestServer } from "./test/harness";
import { clientsOf, createdRoom, FORBIDDEN, ok, type TransportClient } from "./test/transport-clients";

let server: TestServer;
const client = clientsOf(() => server);


const created = createdRoom;

async function sent(c: TransportClient, roomId: string, body: string): Promise<string> {
  return (ok(await c.request("message:send", { roomId, clientId: randomUUID(), body })).data.message as { id: string }).id;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never: ${what}`);
}

describe.each(["socket.io", "ws"] as const)("removing all of someone's messages over %s", (transport) => {
  it("an administrator asks; every room is cleaned, every client hears it, history, search and catch-up follow; nobody else may ask", async () => {
    server = await startTestServer({ firstAccountAdmin: true });
    const admin = await client(transport, "Root", { account: true });
    // Rooms are made over Socket.IO (the gateway has no room:create): the owner is a browser.
    const owner = await client("socket.io", "Owner", { account: true });
    const moderator = await client(transport, "Mod", { account: true });
    const member = await client(transport, "Member", { account: true });
    const guest = await client(transport, "Guest");
    const spammer = await client("socket.io", "Spammer", { account: true });
    const plaza = await created(owner, "Plaza");
    const back = await created(owner, "Back room", "private");
    for (const c of [owner, moderator, member, guest, spammer]) ok(await c.request("room:join", { slug: plaza.slug }));
    ok(await owner.request("room:moderator", { roomId: plaza.id, userId: moderator.user.id, moderator: true }));
    const invite = ok(await owner.request("room:invite" as never, { roomId: back.id })).data as { token: string };
    ok(await spammer.request("room:join", { slug: back.slug, invite: invite.token }));
    const mine = await sent(member, plaza.id, "a real question about pills");
    // Where the member's client was before going away: its change cursor.
    const before = (ok(await member.request("room:join", { slug: plaza.slug })).data as { changeCursor: number }).changeCursor;
    const spam: string[] = [];
    for (let i = 0; i < 7; i++) spam.push(await sent(spammer, plaza.id, `cheap pills ${i} at example.com`));
    const hidden = await sent(spammer, back.id, "cheap pills in private");

    // Nobody but an administrator: refused, nothing filed.
    for (const [who, c] of [["owner", owner], ["moderator", moderator], ["member", member], ["guest", guest], ["the person", spammer]] as const) {
      expect(await c.request("user:purge" as never, { userId: spammer.user.id }), who).toMatchObject(FORBIDDEN);
      expect(await c.request("purges:list" as never, {}), who).toMatchObject(FORBIDDEN);
    }
    expect(ok(await admin.request("purges:list" as never, {})).data).toEqual({ purges: [] });
    // Nor on an administrator, nor with a malformed payload.
    expect(await admin.request("user:purge" as never, { userId: admin.user.id })).toMatchObject(FORBIDDEN);
    expect(await admin.request("user:purge" as never, { userId: spammer.user.id, extra: 1 })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });

    // The room's clients hear every removal.
    const heard = (c: TransportClient) =>
      Promise.all(spam.map((id) => c.next((e) => e.type === "message.changed" && (e as { change: MessageChange }).change.messageId === id)));
    const hearing = [owner, moderator, guest].map(heard);
    const filed = ok(await admin.request("user:purge" as never, { userId: spammer.user.id, reason: "spam wave" })).data as { created: boolean; purge: { id: string; state: string } };
    expect(filed).toMatchObject({ created: true, purge: { state: expect.stringMatching(/pending|running|done/) } });
    for (const events of await Promise.all(hearing)) {
      for (const e of events) expect((e as { change: MessageChange }).change).toMatchObject({ kind: "delete", actor: { id: admin.user.id } });
    }
    const done = await until(
      async () => (ok(await admin.request("purges:list" as never, {})).data as { purges: Array<{ state: string; removed: number; byName: string; reason: string }> }).purges,
      (p) => p[0]?.state === "done",
      "the task is done",
    );
    expect(done).toEqual([expect.objectContaining({ id: filed.purge.id, state: "done", removed: 8, byName: "Root", reason: "spam wave", user: { id: spammer.user.id, name: "Spammer" } })]);

    // History: tombstones removed by a moderator; the member's message stands.
    const history = ok(await moderator.request("message:history", { roomId: plaza.id })).data as { messages: Array<{ id: string; body: string; deleted?: true; removed?: true }> };
    for (const m of history.messages) {
      if (spam.includes(m.id)) expect(m).toMatchObject({ body: "", deleted: true, removed: true });
      else expect(m.id).toBe(mine);
    }
    const inBack = ok(await owner.request("message:history", { roomId: back.id })).data as { messages: Array<{ id: string; removed?: true }> };
    expect(inBack.messages).toEqual([expect.objectContaining({ id: hidden, removed: true })]);
    // Search finds only the member's message.
    const found = ok(await member.request("message:search", { query: "pills" })).data as { results: Array<{ message: { id: string } }> };
    expect(found.results.map((r) => r.message.id)).toEqual([mine]);
    // A client away meanwhile catches every removal up from its cursor.
    const caught = ok(await member.request("message:changes", { roomId: plaza.id, after: before })).data as { changes: MessageChange[] };
    expect(caught.changes.filter((c) => c.kind === "delete").map((c) => c.messageId).sort()).toEqual([...spam].sort());
    // Audited: asked, then done with the count.
    const audit = ok(await admin.request("audit:list", {})).data as { entries: Array<{ action: string; detail: Record<string, unknown> }> };
    expect(audit.entries.slice(0, 2).map((e) => [e.action, e.detail.removed])).toEqual([
      ["user.messages.removed", 8],
      ["user.messages.remove", undefined],
    ]);
  });

  it("a ban may remove their messages too; a task no node ran yet is taken at the next start", async () => {
    server = await startTestServer({ firstAccountAdmin: true });
    const admin = await client(transport, "Root", { account: true });
    const troll = await client("socket.io", "Troll", { account: true });
    const onlooker = await client(transport, "Onlooker");
    const room = await created(troll, "Plaza");
    for (const c of [troll, onlooker]) ok(await c.request("room:join", { slug: room.slug }));
    const said = [await sent(troll, room.id, "first"), await sent(troll, room.id, "second")];
    const hearing = Promise.all(said.map((id) => onlooker.next((e) => e.type === "message.changed" && (e as { change: MessageChange }).change.messageId === id)));
    const banned = ok(await admin.request("user:ban", { userId: troll.user.id, minutes: 60, removeMessages: true })).data as { purge: { state: string } | null };
    expect(banned.purge).toMatchObject({ user: { id: troll.user.id } });
    await hearing;

    // Filed from the shell while this node runs no task (no poke; its next tick is 10 s away): stop it, start another.
    const spammer = await client("socket.io", "Spammer", { account: true });
    ok(await spammer.request("room:join", { slug: room.slug }));
    const left = await sent(spammer, room.id, "still here");
    const { databaseUrl } = server;
    await server.services.purges.request({ id: null, name: "command line" }, { userId: spammer.user.id });
    await server.close();
    server = await startTestServer({ databaseUrl });
    const reader = await client(transport, "Reader");
    ok(await reader.request("room:join", { slug: room.slug }));
    const page = await until(
      async () => (ok(await reader.request("message:history", { roomId: room.id })).data as { messages: Array<{ id: string; removed?: true }> }).messages,
      (messages) => messages.find((m) => m.id === left)?.removed === true,
      "the next start removed it",
    );
    expect(page.filter((m) => m.removed).map((m) => m.id).sort()).toEqual([...said, left].sort());
  });
});
