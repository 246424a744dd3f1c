import type { AddressRepository } from "../store/ports";
import { addressKey } from "../security/address-key";
import { DomainError } from "./errors";

/** How long a sighting of an address is kept (then forgotten by the hourly sweep). */
export const SEEN_ADDRESS_DAYS = 30;
/** The longest a ban holds the addresses its person used (a shorter ban: as long as it). */
export const ADDRESS_HOLD_DAYS = 7;
/** How many of a person's most recent addresses a ban holds. */
export const ADDRESS_HOLD_LIMIT = 20;
/** One sighting per person and address is written at most this often by a node. */
const NOTE_EVERY_MS = 10 * 60_000;
/** Past this many remembered sightings a node starts its throttle afresh (bounded memory). */
const THROTTLE_CAP = 50_000;
/** At most this many sightings wait to be written; more are dropped. */
const PENDING_CAP = 5_000;

const DAY_MS = 24 * 3600_000;

/**
 * Where people connect from, and a ban's hold on it: a banned person's public addresses
 * (Parley's own reading of the client address: the socket's, or behind TRUST_PROXY's trusted
 * hops the nearest untrusted X-Forwarded-For entry, never what the client wrote, never
 * Better Auth's session field) refuse new guests and new accounts for a while, so the ban is
 * not undone by a fresh guest name. Loopback and private addresses are never kept or held
 * (`addressKey`). Signing in to an existing account from a held address is not refused: a
 * shared address (a household, a school) keeps its other people.
 */
export class AddressBook {
  private readonly noted = new Map<string, number>();
  private readonly pending = new Map<string, { userId: string; address: string; at: Date; resolve(): void; reject(err: unknown): void }>();
  private draining = false;

  constructor(
    private readonly addresses: AddressRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Notes that the user connected from `ip` (at sign-in and at every connection; at most once
   * per person and address every ten minutes by this node). Sightings are written one at a
   * time, in the background, so a reconnection storm (every client of a restarted node at
   * once) queues them instead of spending its connections' time on them; beyond
   * PENDING_CAP waiting, a sighting is dropped (best effort: the next one in ten minutes
   * counts). Resolves once written (or dropped); callers that need not wait do not.
   */
  seen(userId: string, ip: string): Promise<void> {
    const address = addressKey(ip);
    if (!address) return Promise.resolve();
    const key = `${userId}\u0000${address}`;
    const now = this.now();
    const last = this.noted.get(key);
    if (last !== undefined && now.getTime() - last < NOTE_EVERY_MS) return Promise.resolve();
    if (this.noted.size >= THROTTLE_CAP) this.noted.clear();
    this.noted.set(key, now.getTime());
    if (this.pending.size >= PENDING_CAP) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.set(key, { userId, address, at: now, resolve, reject });
      void this.drain();
    });
  }

  /** Writes the waiting sightings one after another, until none is left. */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.pending.entries().next(); !next.done; next = this.pending.entries().next()) {
        const [key, s] = next.value;
        this.pending.delete(key);
        await this.addresses.seen(s.userId, s.address, s.at).then(s.resolve, s.reject);
      }
    } finally {
      this.draining = false;
    }
  }

  /** Refuses a new guest or account from an address a ban holds: `forbidden`. */
  async requireOpen(ip: string): Promise<void> {
    const address = addressKey(ip);
    if (!address) return;
    const until = await this.addresses.heldUntil(address, this.now());
    if (until) throw new DomainError("forbidden", "New guests and accounts from your network are paused for a while after a ban. If you already have an account, sign in.");
  }

  /**
   * A ban until `banUntil` (null: until lifted) holds the user's recent addresses for at most
   * ADDRESS_HOLD_DAYS; resolves how many addresses it holds.
   */
  async holdFor(userId: string, banUntil: Date | null): Promise<number> {
    const now = this.now();
    const longest = new Date(now.getTime() + ADDRESS_HOLD_DAYS * DAY_MS);
    const until = banUntil && banUntil.getTime() < longest.getTime() ? banUntil : longest;
    const used = await this.addresses.usedBy(userId, new Date(now.getTime() - SEEN_ADDRESS_DAYS * DAY_MS), ADDRESS_HOLD_LIMIT);
    await this.addresses.hold(userId, used, until);
    return used.length;
  }

  /** The ban is lifted: so are its holds. */
  releaseFor(userId: string): Promise<number> {
    return this.addresses.release(userId);
  }

  /** Forgets sightings older than SEEN_ADDRESS_DAYS and holds that ended (the hourly sweep). */
  forgetOld(): Promise<number> {
    return this.addresses.forget(new Date(this.now().getTime() - SEEN_ADDRESS_DAYS * DAY_MS));
  }
}
