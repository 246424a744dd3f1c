import { describe, expect, it, vi } from "vitest";
import { MemoryAddressRepository } from "../store/memory/addresses";
import { ADDRESS_HOLD_DAYS, AddressBook, SEEN_ADDRESS_DAYS } from "./address-book";

const DAY = 24 * 3600_000;

function book() {
  let now = new Date("2026-12-04T10:00:00Z");
  const repo = new MemoryAddressRepository();
  const seen = vi.spyOn(repo, "seen");
  const addresses = new AddressBook(repo, () => now);
  return { repo, seen, addresses, at: () => now, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

describe("AddressBook", () => {
  it("notes a public address once per ten minutes per person and address; private and loopback ones never", async () => {
    const { seen, addresses, advance } = book();
    await addresses.seen("troll", "203.0.113.9");
    await addresses.seen("troll", "203.0.113.9");
    await addresses.seen("troll", "::ffff:203.0.113.9"); // the same address, mapped
    await addresses.seen("other", "203.0.113.9");
    for (const shared of ["127.0.0.1", "10.0.0.7", "192.168.1.4", "::1", "fd00::2"]) await addresses.seen("troll", shared);
    expect(seen.mock.calls.map(([user, address]) => `${user}@${address}`)).toEqual(["troll@203.0.113.9", "other@203.0.113.9"]);
    advance(10 * 60_000);
    await addresses.seen("troll", "203.0.113.9");
    expect(seen).toHaveBeenCalledTimes(3);
  });

  it("a ban holds the addresses of the last SEEN_ADDRESS_DAYS for at most ADDRESS_HOLD_DAYS, or as long as a shorter ban", async () => {
    const { addresses, advance, at } = book();
    await addresses.seen("troll", "203.0.113.9");
    await addresses.seen("troll", "2001:db8:5:6::1");
    advance((SEEN_ADDRESS_DAYS + 1) * DAY);
    await addresses.seen("troll", "198.51.100.20");
    advance(DAY);
    await addresses.seen("troll", "2001:db8:7:8::1");
    // An unending ban: held ADDRESS_HOLD_DAYS; only what was seen within SEEN_ADDRESS_DAYS.
    expect(await addresses.holdFor("troll", null)).toBe(2);
    await expect(addresses.requireOpen("198.51.100.20")).rejects.toMatchObject({ code: "forbidden" });
    await expect(addresses.requireOpen("2001:db8:7:8::abcd")).rejects.toMatchObject({ code: "forbidden" }); // same /64
    await expect(addresses.requireOpen("203.0.113.9")).resolves.toBeUndefined(); // seen too long ago
    await expect(addresses.requireOpen("2001:db8:7:9::1")).resolves.toBeUndefined(); // another /64
    await expect(addresses.requireOpen("127.0.0.1")).resolves.toBeUndefined();
    const started = at().getTime();
    advance(ADDRESS_HOLD_DAYS * DAY - 1);
    await expect(addresses.requireOpen("198.51.100.20")).rejects.toMatchObject({ code: "forbidden" });
    advance(1);
    await expect(addresses.requireOpen("198.51.100.20")).resolves.toBeUndefined();
    expect(at().getTime() - started).toBe(ADDRESS_HOLD_DAYS * DAY);
  });

  it("a ban shorter than the hold holds as long as the ban; lifting it releases the hold", async () => {
    const { addresses, advance, at } = book();
    await addresses.seen("troll", "198.51.100.20");
    await addresses.holdFor("troll", new Date(at().getTime() + 3600_000));
    await expect(addresses.requireOpen("198.51.100.20")).rejects.toMatchObject({ code: "forbidden" });
    advance(3600_000);
    await expect(addresses.requireOpen("198.51.100.20")).resolves.toBeUndefined();
    await addresses.holdFor("troll", null);
    await expect(addresses.requireOpen("198.51.100.20")).rejects.toMatchObject({ code: "forbidden" });
    expect(await addresses.releaseFor("troll")).toBe(1);
    await expect(addresses.requireOpen("198.51.100.20")).resolves.toBeUndefined();
  });

  it("forgets sightings older than SEEN_ADDRESS_DAYS", async () => {
    const { repo, addresses, advance, at } = book();
    await addresses.seen("troll", "198.51.100.20");
    advance(SEEN_ADDRESS_DAYS * DAY + 1);
    await addresses.seen("troll", "203.0.113.9");
    expect(await addresses.forgetOld()).toBe(1);
    expect(await repo.usedBy("troll", new Date(0), 10)).toEqual(["203.0.113.9"]);
    expect(at()).toBeInstanceOf(Date);
  });

  it("a storm of sightings is written one at a time, in the background; beyond 5,000 waiting they are dropped, never piled up", async () => {
    const repo = new MemoryAddressRepository();
    let inFlight = 0;
    let most = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const written: string[] = [];
    repo.seen = async (userId) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await gate;
      written.push(userId);
      inFlight--;
    };
    const addresses = new AddressBook(repo);
    const all = Array.from({ length: 5_100 }, (_, i) => addresses.seen(`user ${i}`, "203.0.113.9"));
    release();
    await Promise.all(all);
    expect(most).toBe(1);
    // The first is written at once; 5,000 more wait; the rest are dropped.
    expect(written).toHaveLength(5_001);
    expect(written.slice(0, 3)).toEqual(["user 0", "user 1", "user 2"]);
  });
});
