import { describe, expect, it } from "vitest";
import type { SearchResult } from "@/server/contract/search";
import { MessageSearchStore } from "./message-search";
import { FakeTransport, settle } from "./testing/fake-transport";

const result = (n: number): SearchResult => ({
  message: { id: `m${n}`, roomId: "r1", seq: n, author: { id: "u1", name: "Ada" }, createdAt: "2026-12-01T10:00:00.000Z" },
  room: { id: "r1", slug: "general", name: "General", visibility: "public" },
  snippet: { text: `note ${n}`, highlights: [[0, 4]] },
});

describe("MessageSearchStore", () => {
  it("shows a search's first page, appends the next ones, and clears", async () => {
    const transport = new FakeTransport();
    const store = new MessageSearchStore(transport);
    void store.search("note", "r1");
    expect(store.get()).toMatchObject({ query: "note", loading: true, results: [] });
    const first = transport.take("message:search");
    expect(first.payload).toEqual({ query: "note", roomId: "r1" });
    first.resolve({ ok: true, data: { results: [result(3), result(2)], next: "c2" } });
    await settle();
    expect(store.get()).toMatchObject({ query: "note", roomId: "r1", next: "c2", loading: false });
    void store.more();
    const second = transport.take("message:search");
    expect(second.payload).toEqual({ query: "note", roomId: "r1", cursor: "c2" });
    second.resolve({ ok: true, data: { results: [result(1)], next: null } });
    await settle();
    expect(store.get().results.map((r) => r.message.seq)).toEqual([3, 2, 1]);
    await store.more(); // no next page: nothing asked
    expect(() => transport.take("message:search")).toThrow();
    store.clear();
    expect(store.get().query).toBeNull();
  });

  it("sends one search at a time: the latest asked waits for the answer under way, those in between are never sent; a refusal shows", async () => {
    const transport = new FakeTransport();
    const store = new MessageSearchStore(transport);
    void store.search("old");
    const old = transport.take("message:search");
    void store.search("newer");
    void store.search("new");
    await settle();
    // Nothing more is sent while "old" is unanswered (the server allows one at a time).
    expect(() => transport.take("message:search")).toThrow();
    expect(store.get()).toMatchObject({ query: "new", loading: true });
    old.resolve({ ok: true, data: { results: [result(1)], next: null } });
    await settle();
    const latest = transport.take("message:search");
    expect(latest.payload).toEqual({ query: "new" });
    expect(() => transport.take("message:search")).toThrow();
    latest.resolve({ ok: false, error: { code: "rate_limited", message: "Slow down." } });
    await settle();
    expect(store.get()).toMatchObject({ query: "new", results: [], loading: false, error: "Slow down." });
  });
});
