import type { AddressRepository } from "../ports";

/** Seen addresses and a ban's holds in process (unit tests); the same contract as the database stores. */
export class MemoryAddressRepository implements AddressRepository {
  private readonly sightings = new Map<string, { userId: string; address: string; at: Date }>();
  private readonly holds = new Map<string, { userId: string; address: string; until: Date }>();

  async seen(userId: string, address: string, at: Date) {
    this.sightings.set(`${userId}\u0000${address}`, { userId, address, at });
  }

  async usedBy(userId: string, since: Date, limit: number) {
    return [...this.sightings.values()]
      .filter((s) => s.userId === userId && s.at.getTime() >= since.getTime())
      .sort((a, b) => b.at.getTime() - a.at.getTime() || a.address.localeCompare(b.address))
      .slice(0, limit)
      .map((s) => s.address);
  }

  async hold(userId: string, addresses: readonly string[], until: Date) {
    for (const address of addresses) this.holds.set(`${address}\u0000${userId}`, { userId, address, until });
  }

  async release(userId: string) {
    let released = 0;
    for (const [key, h] of this.holds) if (h.userId === userId && this.holds.delete(key)) released++;
    return released;
  }

  async heldUntil(address: string, now: Date) {
    const ends = [...this.holds.values()].filter((h) => h.address === address && h.until.getTime() > now.getTime()).map((h) => h.until.getTime());
    return ends.length ? new Date(Math.max(...ends)) : null;
  }

  async forget(before: Date) {
    let gone = 0;
    for (const [key, s] of this.sightings) if (s.at.getTime() < before.getTime() && this.sightings.delete(key)) gone++;
    for (const [key, h] of this.holds) if (h.until.getTime() < before.getTime() && this.holds.delete(key)) gone++;
    return gone;
  }
}
