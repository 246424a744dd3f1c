import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import type { OutboxEntry } from "./outbox";
import { electLeader, indexedDbOutboxStorage } from "./outbox-browser";

const entry = (clientId: string, order: number): OutboxEntry => ({
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
  it("without Web Locks, every tab leads (the server's dedup keeps messages single)", () => {
    const seen: boolean[] = [];
    const resign = electLeader("x", (leader) => seen.push(leader));
    resign();
    expect(seen).toEqual([true, false]);
  });
});
