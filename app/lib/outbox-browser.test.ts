import "fake-indexeddb/auto";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { OutboxEntry } from "./outbox";
import { electLeader, indexedDbOutboxStorage } from "./outbox-browser";

const entry = (clientId: string, order: number): OutboxEntry => ({
  kind: "message",
  clientId,
  roomId: "r",
  author: { id: "ada", name: "Ada" },
  body: `body ${clientId}`,
  createdAt: new Date(order).toISOString(),
  order,
  status: "pending",
});

describe("indexedDbOutboxStorage", () => {
  it("keeps each user's outbox apart and round-trips entries", async () => {
    const ada = indexedDbOutboxStorage("ada");
    const bob = indexedDbOutboxStorage("bob");
    await ada.put(entry("a1", 1));
    await ada.put(entry("a2", 2));
    await bob.put(entry("b1", 3));
    expect((await ada.load()).map((e) => e.clientId).sort()).toEqual(["a1", "a2"]);
    expect(await bob.load()).toEqual([entry("b1", 3)]);

    await ada.put({ ...entry("a1", 1), status: "failed", error: "Too long." });
    await ada.delete("a2");
    // A new handle (a reloaded tab) sees the same data.
    expect(await indexedDbOutboxStorage("ada").load()).toEqual([{ ...entry("a1", 1), status: "failed", error: "Too long." }]);
  });
});

describe("electLeader", () => {
  afterEach(() => void vi.unstubAllGlobals());

  it("without Web Locks, every tab leads (the server's dedup keeps messages single)", () => {
    // Node 24 has navigator.locks, as browsers do; a browser without it is the case here.
    vi.stubGlobal("navigator", {});
    const seen: boolean[] = [];
    const resign = electLeader("x", (leader) => seen.push(leader));
    resign();
    expect(seen).toEqual([true, false]);
  });

  it("with Web Locks, one tab leads and the next takes over when it resigns", async (ctx) => {
    if (!(globalThis.navigator as Navigator | undefined)?.locks) return ctx.skip("this Node has no navigator.locks (Node 24 has; Node 20 has not)");
    const first: boolean[] = [];
    const second: boolean[] = [];
    const resignFirst = electLeader("outbox-test", (leader) => first.push(leader));
    await vi.waitFor(() => expect(first).toEqual([true]));
    const resignSecond = electLeader("outbox-test", (leader) => second.push(leader));
    await new Promise((r) => setTimeout(r, 50));
    expect(second).toEqual([]); // waits for the lock
    resignFirst();
    await vi.waitFor(() => expect(second).toEqual([true]));
    expect(first).toEqual([true, false]);
    resignSecond();
  });
});
