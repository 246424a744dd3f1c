/**
 * A room's messages and changes go out in the room's order (seq, cseq), to every member,
 * each once: several senders at once, mixing messages (some with mentions), edits (some
 * with mentions) and reactions, so that the store commits several of them together and
 * their publications race. The bench's mixed-load scenario measures the same at 100
 * members and 200/s; this is its check at a size `npm test` runs.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { eventually } from "./test/chat-client";
import { startTestServer, type ClientSocket, type TestServer } from "./test/harness";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Ack = { ok: boolean; data?: { message?: { id: string; seq: number }; change?: { cseq: number } | null }; error?: { code: string } };
const ask = (s: ClientSocket, event: string, payload: object) => (s as unknown as { emitWithAck(e: string, p: object): Promise<Ack> }).emitWithAck(event, payload);

/** `items` started at `by` (mod its length). */
const rotate = <T>(by: number, items: T[]): T[] => items.map((_, i) => items[(i + by) % items.length]!);

describe("publication order", () => {
  it("20 members hear every message in seq order and every change in cseq order, each once, while 5 members write at once", async () => {
    server = await startTestServer();
    const people = await Promise.all(Array.from({ length: 20 }, (_, i) => server!.guest(`Member ${i}`)));
    const sockets = await Promise.all(people.map((p) => server!.socket(p.cookie)));
    const created = await ask(sockets[0]!, "room:create", { name: "Order" });
    const room = (created as unknown as { data: { room: { id: string; slug: string } } }).data.room;
    for (const s of sockets) expect((await ask(s, "room:join", { slug: room.slug })).ok).toBe(true);
    const seqs = sockets.map(() => [] as number[]);
    const cseqs = sockets.map(() => [] as number[]);
    sockets.forEach((s, i) => {
      s.on("message:created", (m: { seq: number }) => seqs[i]!.push(m.seq));
      s.on("message:changed", (c: { cseq: number }) => cseqs[i]!.push(c.cseq));
    });

    const writers = sockets.slice(0, 5);
    const mine: string[][] = writers.map(() => []);
    // Everyone's first messages, so that there is something to change.
    await Promise.all(
      writers.map(async (s, w) => {
        const a = await ask(s, "message:send", { roomId: room.id, clientId: randomUUID(), body: `first from ${w}` });
        mine[w]!.push(a.data!.message!.id);
      }),
    );
    // Then rounds of writes, each round sent by all five at once: a message (every other one
    // mentions someone, which needs a look-up), an edit of their own (some with a mention), a
    // reaction to someone else's. A connection's writes are stored one after another, so each
    // writer sends them in another order: the store commits an edit of one writer with a
    // reaction or a message of another.
    let changes = 0;
    let messages = writers.length;
    for (let round = 0; round < 8; round++) {
      const acks = await Promise.all(
        writers.flatMap((s, w) =>
          rotate(w + round, [
            () =>
              ask(s, "message:send", { roomId: room.id, clientId: randomUUID(), body: (w + round) % 2 === 0 ? `hi <@${people[(w + 1) % 20]!.user.id}> ${round}` : `plain ${round}` }).then((a) => {
                if (a.ok) mine[w]!.push(a.data!.message!.id);
                return a;
              }),
            () => ask(s, "message:edit", { roomId: room.id, messageId: mine[w]![0]!, clientChangeId: randomUUID(), body: (w + round) % 2 === 1 ? `edited for <@${people[w]!.user.id}> ${round}` : `edited ${round}` }),
            () => ask(s, "reaction:add", { roomId: room.id, messageId: mine[(w + 1) % writers.length]![0]!, clientChangeId: randomUUID(), emoji: ["👍", "🎉", "❤️", "😂", "😮", "😢", "🙏", "👀"][round]! }),
          ]).map((write) => write()),
        ),
      );
      for (const a of acks) expect(a.ok, JSON.stringify(a)).toBe(true);
      messages += writers.length;
      changes += acks.filter((a) => a.data?.change).length;
    }
    expect(changes).toBe(8 * writers.length * 2);
    await eventually(() => seqs.every((s) => s.length >= messages) && cseqs.every((c) => c.length >= changes), "every member heard everything", 10_000);
    const inOrder = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    for (let i = 0; i < sockets.length; i++) {
      expect(seqs[i], `member ${i}'s messages`).toEqual(inOrder(messages));
      expect(cseqs[i], `member ${i}'s changes`).toEqual(inOrder(changes));
    }
  }, 60_000);
});
