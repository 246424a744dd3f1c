import { describe, expect, it } from "vitest";
import type { ChatMessage } from "@/server/contract/model";
import { contiguousSeq, emptyLog, logItems, mergeConfirmed, mergeOlderPage, oldestSeq } from "./message-log";
import type { MessageEntry } from "./outbox";

const ada = { id: "ada", name: "Ada" };
const bob = { id: "bob", name: "Bob" };
const msg = (seq: number, author = bob, clientId = `c${seq}`): ChatMessage => ({
  id: `m${seq}`,
  roomId: "r",
  seq,
  clientId,
  author,
  body: `message ${seq}`,
  createdAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
});
const entry = (clientId: string, status: MessageEntry["status"] = "pending", author = ada): MessageEntry => ({
  kind: "message",
  clientId,
  roomId: "r",
  author,
  body: clientId,
  createdAt: new Date().toISOString(),
  order: 0,
  status,
});

describe("mergeConfirmed", () => {
  it("orders by seq whatever the arrival order, and keeps each seq once", () => {
    let log = mergeConfirmed(emptyLog, [msg(3), msg(1)]);
    log = mergeConfirmed(log, [msg(2), msg(3), msg(1)]);
    log = mergeConfirmed(log, [msg(5), msg(4), msg(5)]);
    expect(log.confirmed.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(log.confirmed.at(-1)?.seq).toBe(5);
    expect(oldestSeq(log)).toBe(1);
  });

  it("returns the same object when nothing is new (no re-render)", () => {
    const log = mergeConfirmed(emptyLog, [msg(1), msg(2)]);
    expect(mergeConfirmed(log, [msg(2)])).toBe(log);
    expect(mergeConfirmed(log, [])).toBe(log);
  });
});

describe("contiguousSeq", () => {
  const fromLatestPage = { ...emptyLog, hasOlder: true };
  it("is the last seq before the first hole, counting from the oldest held when older ones exist", () => {
    expect(contiguousSeq(emptyLog)).toBe(0);
    expect(contiguousSeq(mergeConfirmed(fromLatestPage, [msg(3), msg(4), msg(5)]))).toBe(5);
    expect(contiguousSeq(mergeConfirmed(fromLatestPage, [msg(3), msg(4), msg(7), msg(8)]))).toBe(4);
  });

  it("counts from the room's start when the log holds it: a first message that never arrived is a hole", () => {
    // A room joined empty: the first message to arrive was seq 2, seq 1 was lost on the way.
    expect(contiguousSeq(mergeConfirmed(emptyLog, [msg(2), msg(3)]))).toBe(0);
    expect(contiguousSeq(mergeConfirmed(emptyLog, [msg(1), msg(2), msg(4)]))).toBe(2);
  });
});

describe("logItems", () => {
  it("shows outbox entries after confirmed messages, in their order, with their status", () => {
    const log = mergeConfirmed(emptyLog, [msg(1), msg(2, ada, "mine")]);
    const items = logItems(log, ada.id, [entry("a", "failed"), entry("b")]);
    expect(items.map((i) => [i.clientId, i.seq, i.status])).toEqual([
      ["c1", 1, undefined],
      ["mine", 2, "sent"],
      ["a", null, "failed"],
      ["b", null, "pending"],
    ]);
  });

  it("hides an outbox entry once the server's copy is in the log: never shown twice", () => {
    const log = mergeConfirmed(emptyLog, [msg(7, ada, "x1")]);
    const items = logItems(log, ada.id, [entry("x1"), entry("x2")]);
    expect(items.map((i) => [i.clientId, i.status])).toEqual([
      ["x1", "sent"],
      ["x2", "pending"],
    ]);
  });

  it("does not confuse another author's message that carries the same clientId", () => {
    const log = mergeConfirmed(emptyLog, [msg(1, bob, "same")]);
    expect(logItems(log, ada.id, [entry("same")])).toHaveLength(2);
  });
});

describe("mergeOlderPage", () => {
  it("prepends an older page and records whether more exist", () => {
    let log = { ...mergeConfirmed(emptyLog, [msg(51), msg(52)]), hasOlder: true };
    log = mergeOlderPage(log, [msg(49), msg(50)], false);
    expect(log.confirmed.map((m) => m.seq)).toEqual([49, 50, 51, 52]);
    expect(log.hasOlder).toBe(false);
  });
});
