import { describe, expect, it } from "vitest";
import { MemoryTypingStore } from "./typing.store";

const ada = { id: "u1", name: "Ada" };
const bob = { id: "u2", name: "Bob" };

describe("MemoryTypingStore", () => {
  it("lists typers until their TTL runs out or they stop, per room", async () => {
    let now = 1000;
    const t = new MemoryTypingStore(5000, () => now);
    await t.start("r1", ada);
    await t.start("r1", bob);
    await t.start("r2", bob);
    expect(await t.list("r1")).toEqual([ada, bob]);
    await t.stop("r1", bob.id);
    expect(await t.list("r1")).toEqual([ada]);
    expect(await t.list("r2")).toEqual([bob]);
    now += 4000;
    await t.start("r2", bob); // typing again renews
    now += 1500;
    expect(await t.list("r1")).toEqual([]);
    expect(await t.list("r2")).toEqual([bob]);
    await t.stop("r3", ada.id); // unknown room: nothing happens
    expect(await t.list("r3")).toEqual([]);
  });
});
