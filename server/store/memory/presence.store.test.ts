import { describe, expect, it } from "vitest";
import { MemoryPresenceStore } from "./presence.store";

const ada = { id: "u1", name: "Ada" };
const bob = { id: "u2", name: "Bob" };

describe("MemoryPresenceStore", () => {
  it("lists a user with several connections once, until the last one leaves", async () => {
    const p = new MemoryPresenceStore();
    expect(await p.add("r1", ada, "tab1")).toBe(true);
    expect(await p.add("r1", ada, "tab2")).toBe(false);
    expect(await p.add("r1", bob, "tab3")).toBe(true);
    expect(await p.list("r1")).toEqual([ada, bob]);
    expect(await p.remove("r1", ada.id, "tab1")).toBe(false);
    expect(await p.list("r1")).toEqual([ada, bob]);
    expect(await p.remove("r1", ada.id, "tab2")).toBe(true);
    expect(await p.list("r1")).toEqual([bob]);
  });

  it("keeps rooms apart and ignores unknown removals", async () => {
    const p = new MemoryPresenceStore();
    await p.add("r1", ada, "c1");
    await p.add("r2", ada, "c1");
    expect(await p.remove("r1", ada.id, "other")).toBe(false);
    expect(await p.remove("r3", ada.id, "c1")).toBe(false);
    expect(await p.remove("r1", ada.id, "c1")).toBe(true);
    expect(await p.list("r1")).toEqual([]);
    expect(await p.list("r2")).toEqual([ada]);
  });
});
