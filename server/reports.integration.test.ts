/**
 * Reports over both transports, on both engines: who may report (anyone who reads the room,
 * never their own message), who reads the queue (the room's moderators, its owner,
 * administrators; everyone's for administrators) and who closes a report (the same people):
 * by removing the message (the delete change, which every client hears) or dismissing it.
 * The report keeps the reported text while open, even after its author deletes the message,
 * and erases it when closed. Filing is rate-limited.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { LIMITS } from "./contract/limits";
import { startTestServer, type TestServer } from "./test/harness";
import { clientsOf, createdRoom, FORBIDDEN, ok, type TestAck, type TransportClient } from "./test/transport-clients";

let server: TestServer;
const client = clientsOf(() => server);


const created = createdRoom;

async function sent(c: TransportClient, roomId: string, body: string): Promise<{ id: string; seq: number }> {
  return ok(await c.request("message:send", { roomId, clientId: randomUUID(), body })).data.message as { id: string; seq: number };
}

const report = (c: TransportClient, roomId: string, messageId: string, reason = "spam", note?: string) =>
  c.request("report:file" as never, { roomId, messageId, reason, ...(note !== undefined ? { note } : {}) });
const list = (c: TransportClient, roomId: string | null, open = true) => c.request("reports:list" as never, { roomId, open });
const resolve = (c: TransportClient, reportId: string, outcome: "removed" | "dismissed") => c.request("report:resolve" as never, { reportId, outcome });

describe.each(["socket.io", "ws"] as const)("reports over %s", (transport) => {
  it("anyone who reads the room reports others' messages; the room's keepers read the queue and close it by removing or dismissing; the rest are refused and change nothing", async () => {
    server = await startTestServer({ firstAccountAdmin: true });
    const admin = await client(transport, "Root", { account: true });
    const owner = await client("socket.io", "Owner", { account: true });
    const room = await created(owner, "Plaza");
    const secret = await created(owner, "Back office", "private");
    const moderator = await client(transport, "Mod", { account: true });
    const member = await client(transport, "Member", { account: true });
    const guest = await client("socket.io", "Guest");
    const troll = await client(transport, "Troll", { account: true });
    for (const c of [admin, owner, moderator, member, guest, troll]) ok(await c.request("room:join", { slug: room.slug }));
    ok(await owner.request("room:moderator", { roomId: room.id, userId: moderator.user.id, moderator: true }));
    const spam = await sent(troll, room.id, "buy **cheap** pills at example.com");
    const insult = await sent(troll, room.id, "you are all idiots");

    // Filing: a member and a guest; the keepers (owner, moderator, administrator) hear it.
    const heard = [owner, moderator, admin].map((c) => c.next((e) => e.type === "reports.changed" && (e as { room: string }).room === room.id));
    const filed = ok(await report(member, room.id, spam.id, "spam", "  third time\ttoday  "));
    expect(filed.data).toEqual({ reportId: expect.any(String), already: false });
    await Promise.all(heard);
    expect(ok(await report(member, room.id, spam.id, "abuse")).data).toEqual({ reportId: filed.data.reportId, already: true });
    ok(await report(guest, room.id, spam.id, "other"));
    // Refused: one's own message; an unknown reason; a room one cannot read; a message of another room.
    expect(await report(troll, room.id, spam.id)).toMatchObject(FORBIDDEN);
    expect(await report(member, room.id, spam.id, "boring")).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect(await report(member, secret.id, spam.id)).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await report(member, room.id, randomUUID())).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await report(member, room.id, spam.id, "spam", "x".repeat(LIMITS.reportNoteLength + 1))).toMatchObject({ ok: false, error: { code: "invalid_payload" } });

    // The queue: the room's keepers see it; members, guests and the reported person do not; everyone's is the administrators'.
    for (const [who, c] of [["member", member], ["guest", guest], ["troll", troll]] as const) expect(await list(c, room.id), who).toMatchObject(FORBIDDEN);
    for (const [who, c] of [["moderator", moderator], ["owner", owner], ["member", member]] as const) expect(await list(c, null), who).toMatchObject(FORBIDDEN);
    const queue = ok(await list(moderator, room.id)).data.reports as Array<Record<string, unknown>>;
    expect(queue).toHaveLength(2);
    expect(queue.find((r) => (r.reporter as { id: string }).id === member.user.id)).toMatchObject({
      reason: "spam",
      note: "third time today",
      status: "open",
      room: { id: room.id, slug: room.slug },
      message: { id: spam.id, seq: spam.seq, author: { id: troll.user.id, name: "Troll" }, text: "buy **cheap** pills at example.com", deleted: false },
    });
    expect((ok(await list(admin, null)).data.reports as Array<{ message: { id: string } }>).filter((r) => r.message.id === spam.id)).toHaveLength(2);

    // The author deletes the message to hide it: the open report keeps what was said.
    ok(await troll.request("message:delete", { roomId: room.id, messageId: spam.id, clientChangeId: randomUUID() }));
    expect((ok(await list(owner, room.id)).data.reports as Array<{ message: unknown }>)[0]!.message).toMatchObject({ text: "buy **cheap** pills at example.com", deleted: true });

    // Closing: refused to a member, a guest, the troll; the moderator dismisses: every report of that message closes, its text erased.
    for (const c of [member, guest, troll]) expect(await resolve(c, filed.data.reportId, "dismissed")).toMatchObject(FORBIDDEN);
    expect(ok(await list(owner, room.id)).data.reports).toHaveLength(2);
    expect(ok(await resolve(moderator, filed.data.reportId, "dismissed")).data).toEqual({ closed: 2 });
    expect(ok(await resolve(moderator, filed.data.reportId, "dismissed")).data).toEqual({ closed: 0 });
    expect(ok(await list(owner, room.id)).data.reports).toEqual([]);
    const closed = ok(await list(owner, room.id, false)).data.reports as Array<Record<string, unknown>>;
    expect(closed).toHaveLength(2);
    for (const r of closed) expect(r).toMatchObject({ status: "dismissed", resolvedBy: { id: moderator.user.id }, message: { text: "" } });

    // Removing through a report: the message is deleted for everyone, as a moderator's removal.
    const second = ok(await report(guest, room.id, insult.id, "abuse")).data.reportId as string;
    const removedForMember = member.next((e) => e.type === "message.changed" && (e as { change: { messageId: string } }).change.messageId === insult.id);
    expect(ok(await resolve(owner, second, "removed")).data).toEqual({ closed: 1 });
    expect(await removedForMember).toMatchObject({ change: { kind: "delete", messageId: insult.id } });
    const history = ok(await member.request("message:history", { roomId: room.id })).data.messages as Array<{ id: string; deleted?: boolean; body: string }>;
    expect(history.find((m) => m.id === insult.id)).toMatchObject({ deleted: true, body: "" });
    const audit = ok(await admin.request("audit:list", { limit: 10 })).data.entries as Array<{ action: string; actor: { id: string } | null; target: { id: string } | null }>;
    expect(audit.filter((e) => e.action.startsWith("report.")).map((e) => [e.action, e.actor?.id, e.target?.id])).toEqual([
      ["report.remove", owner.user.id, troll.user.id],
      ["report.dismiss", moderator.user.id, troll.user.id],
    ]);
    expect(audit.some((e) => e.action === "message.remove" && e.actor?.id === owner.user.id)).toBe(true);
  });

  it("a report flood is limited: past the hourly budget a member's reports are refused", async () => {
    server = await startTestServer({ security: { rateLimitScale: 1 } });
    const author = await client("socket.io", "Author", { account: true });
    const room = await created(author, "Busy");
    const reporter = await client(transport, "Reporter", { account: true });
    ok(await reporter.request("room:join", { slug: room.slug }));
    const messages: Array<{ id: string }> = [];
    for (let i = 0; i <= LIMITS.reportBudget.points; i++) messages.push(await sent(author, room.id, `message ${i}`));
    const answers: TestAck[] = [];
    for (const m of messages) answers.push(await report(reporter, room.id, m.id));
    expect(answers.filter((a) => a.ok)).toHaveLength(LIMITS.reportBudget.points);
    expect(answers.at(-1)).toMatchObject({ ok: false, error: { code: "rate_limited" } });
  });
});
