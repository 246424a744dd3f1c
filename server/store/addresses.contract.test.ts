/**
 * The addresses port's contract, over every store: where people connected from (one row per
 * person and address, the latest time kept), a ban's holds on those addresses (in force until
 * their end, released with the ban), and forgetting both after their time.
 */
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { storeImplementations, type OpenedStore } from "./contract-stores";

const implementations = await storeImplementations();

describe.each(implementations)("addresses: %s", (_name, make) => {
  let store: OpenedStore;
  const ada = { id: randomUUID(), name: "Ada", username: `ada_${randomUUID().slice(0, 6)}` };
  const bob = { id: randomUUID(), name: "Bob", guest: true };
  const t0 = new Date("2026-12-04T10:00:00Z");
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  // Addresses of this test's own: the stores are shared by the tests of one database.
  const net = `198.51.${Math.floor(Math.random() * 250)}`;
  const [one, two, three] = [`${net}.1`, `${net}.2`, `2001:db8:${Math.floor(Math.random() * 9999)}:1::/64`];

  beforeEach(async () => {
    store = await make();
    for (const u of [ada, bob]) await store.addUser(u);
  });

  it("sightings: one per person and address, the latest time kept; listed newest first since a time, at most a limit", async () => {
    const a = store.repos.addresses;
    await a.seen(bob.id, one, at(0));
    await a.seen(bob.id, two, at(5));
    await a.seen(bob.id, one, at(10)); // again: moves, no second row
    await a.seen(bob.id, three, at(7));
    await a.seen(ada.id, two, at(20));
    expect(await a.usedBy(bob.id, at(-60), 10)).toEqual([one, three, two]);
    expect(await a.usedBy(bob.id, at(6), 10)).toEqual([one, three]);
    expect(await a.usedBy(bob.id, at(-60), 2)).toEqual([one, three]);
    expect(await a.usedBy(ada.id, at(-60), 10)).toEqual([two]);
    expect(await a.usedBy(randomUUID(), at(-60), 10)).toEqual([]);
  });

  it("holds: in force until their end, the latest end when two bans hold one address, released with their ban", async () => {
    const a = store.repos.addresses;
    expect(await a.heldUntil(one, at(0))).toBeNull();
    await a.hold(bob.id, [one, two], at(60));
    await a.hold(ada.id, [two], at(120));
    expect((await a.heldUntil(one, at(0)))?.getTime()).toBe(at(60).getTime());
    expect((await a.heldUntil(two, at(0)))?.getTime()).toBe(at(120).getTime());
    expect(await a.heldUntil(one, at(60))).toBeNull(); // its end is not in force
    expect(await a.heldUntil(three, at(0))).toBeNull();
    // Held again (a new ban): its end moves, still one hold.
    await a.hold(bob.id, [one], at(30));
    expect((await a.heldUntil(one, at(0)))?.getTime()).toBe(at(30).getTime());
    expect(await a.release(bob.id)).toBe(2);
    expect(await a.release(bob.id)).toBe(0);
    expect(await a.heldUntil(one, at(0))).toBeNull();
    expect((await a.heldUntil(two, at(0)))?.getTime()).toBe(at(120).getTime()); // Ada's ban still holds it
    await a.hold(bob.id, [], at(60)); // nothing to hold: nothing happens
    expect(await a.release(bob.id)).toBe(0);
  });

  it("forget: sightings last seen and holds ended before a time go; the rest stay", async () => {
    const a = store.repos.addresses;
    await a.seen(bob.id, one, at(0));
    await a.seen(bob.id, two, at(100));
    await a.hold(bob.id, [one], at(50));
    await a.hold(bob.id, [two], at(500));
    expect(await a.forget(at(60))).toBeGreaterThanOrEqual(2);
    expect(await a.usedBy(bob.id, at(-60), 10)).toEqual([two]);
    expect(await a.heldUntil(one, at(0))).toBeNull();
    expect((await a.heldUntil(two, at(0)))?.getTime()).toBe(at(500).getTime());
  });
});
