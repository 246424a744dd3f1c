import { describe, expect, it } from "vitest";
import type { ChatMessage } from "@/server/contract/model";
import {
  addLocal,
  emptyLog,
  logItems,
  mergeConfirmed,
  mergeOlderPage,
  newestSeq,
  oldestSeq,
  removeLocal,
  updateLocal,
  type LocalMessage,
} from "./message-log";

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
const local = (clientId: string, body = clientId): LocalMessage => ({
  clientId,
  roomId: "r",
  author: ada,
  body,
  createdAt: new Date().toISOString(),
  status: "pending",
});

describe("mergeConfirmed", () => {
  it("orders by seq whatever the arrival order, and keeps each seq once", () => {
    let log = mergeConfirmed(emptyLog, [msg(3), msg(1)]);
    log = mergeConfirmed(log, [msg(2), msg(3), msg(1)]);
    log = mergeConfirmed(log, [msg(5), msg(4), msg(5)]);
    expect(log.confirmed.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(newestSeq(log)).toBe(5);
    expect(oldestSeq(log)).toBe(1);
  });

  it("returns the same object when nothing is new (no re-render)", () => {
    const log = mergeConfirmed(emptyLog, [msg(1), msg(2)]);
    expect(mergeConfirmed(log, [msg(2)])).toBe(log);
    expect(mergeConfirmed(log, [])).toBe(log);
  });

  it("replaces a local echo with the server's copy by (author, clientId): shown once", () => {
    let log = addLocal(emptyLog, local("x1"));
    log = addLocal(log, local("x2"));
    log = mergeConfirmed(log, [msg(7, ada, "x1")]);
    expect(log.local.map((l) => l.clientId)).toEqual(["x2"]);
    const items = logItems(log, ada.id);
    expect(items.map((i) => [i.clientId, i.status])).toEqual([
      ["x1", "sent"],
      ["x2", "pending"],
    ]);
    // The broadcast of the same message arriving after the ack changes nothing.
    expect(mergeConfirmed(log, [msg(7, ada, "x1")])).toBe(log);
  });

  it("does not confuse another author's message that carries the same clientId", () => {
    const log = mergeConfirmed(addLocal(emptyLog, local("same")), [msg(1, bob, "same")]);
    expect(log.local).toHaveLength(1);
  });
});

describe("local messages", () => {
  it("keep typed order after confirmed ones, and can fail, retry and be discarded", () => {
    let log = mergeConfirmed(emptyLog, [msg(1)]);
    log = addLocal(log, local("a"));
    log = addLocal(log, local("b"));
    log = updateLocal(log, "a", { status: "failed", error: "too long" });
    expect(logItems(log, ada.id).map((i) => [i.clientId, i.status, i.error])).toEqual([
      ["c1", undefined, undefined],
      ["a", "failed", "too long"],
      ["b", "pending", undefined],
    ]);
    log = updateLocal(log, "a", { status: "pending" });
    expect(log.local[0]).toMatchObject({ status: "pending", error: undefined });
    log = removeLocal(log, "a");
    expect(log.local.map((l) => l.clientId)).toEqual(["b"]);
    expect(updateLocal(log, "missing", { status: "failed" })).toBe(log);
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
