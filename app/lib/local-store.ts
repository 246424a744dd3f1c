/**
 * What Parley keeps on the device so that it opens, and shows what was read, before the
 * server answers or with no server at all (issue 30):
 * - the identity last signed in (for display only: the server's cookie decides);
 * - per user: the rooms list with the unread counts (`StoredDirectory`), and each opened
 *   room's recent history (`StoredRoom`: its last messages, up to `maxMessages`, with the
 *   change cursor they reflect).
 *
 * A warm open shows a stored room at once and then catches up from its stored seq and
 * cseq (room-sync.ts); what the server says then replaces what was stored.
 *
 * Writes are batched: a room's log is marked dirty as it changes and written at most once
 * per `flushMs`, all dirty rooms in one transaction, so a busy room costs one write a
 * second, not one per message. Several tabs write the same records: each write merges with
 * what is stored (`mergeStoredRooms`), so no tab's newer messages are lost to another's
 * older copy. Bounds: `maxMessages` per room, `maxRooms` rooms and `maxBytes` in all per
 * user, the rooms touched longest ago evicted first; a full quota evicts and retries once,
 * then reports `full` (the app keeps working; it opens offline with less).
 *
 * Signing out deletes everything of that user (`clearUser`); a room the user may no longer
 * read (removed, deleted, no longer listed) is deleted at the next sync (`retain`, `forget`).
 *
 * Framework-free over `LocalBackend`; `local-store-browser.ts` is the IndexedDB one.
 */
import type { AccountInfo, ChatMessage, ReadState, RoomSummary, UserSummary } from "@/server/contract/model";
import type { MessageLog } from "./message-log";
import { Observable } from "./observable";

export interface StoredIdentity {
  user: UserSummary;
  account: AccountInfo;
}

export interface StoredDirectory {
  rooms: RoomSummary[];
  attention: ReadState[];
  savedAt: number;
}

export interface StoredRoom {
  slug: string;
  room: RoomSummary;
  /** Ascending by seq, each once: the room's latest messages as last seen. */
  messages: ChatMessage[];
  /** Older messages exist on the server before messages[0]. */
  hasOlder: boolean;
  /** Every change up to this cseq is reflected in `messages`. */
  changeCursor: number;
  /** When a tab last wrote it (ms): the oldest are evicted first. */
  touchedAt: number;
}

/** What was typed in a room's composer and not sent yet, with the people picked to mention in it. */
export interface StoredDraft {
  text: string;
  chosen: UserSummary[];
  savedAt: number;
}

/** Where the records live: IndexedDB in the browser, a map in tests. */
export interface LocalBackend {
  getIdentity(): Promise<StoredIdentity | undefined>;
  putIdentity(identity: StoredIdentity): Promise<void>;
  deleteIdentity(): Promise<void>;
  getDirectory(userId: string): Promise<StoredDirectory | undefined>;
  putDirectory(userId: string, directory: StoredDirectory): Promise<void>;
  getRoom(userId: string, slug: string): Promise<StoredRoom | undefined>;
  /** Every stored room of the user (for bounds and removals). */
  listRooms(userId: string): Promise<StoredRoom[]>;
  /**
   * Writes rooms in one transaction: `merge(stored, incoming)` gives what is written, read
   * and written within that transaction; `remove` slugs are deleted in it too.
   */
  updateRooms(userId: string, incoming: StoredRoom[], merge: (stored: StoredRoom | undefined, incoming: StoredRoom) => StoredRoom, remove: string[]): Promise<void>;
  deleteRooms(userId: string, slugs: string[]): Promise<void>;
  getDraft(userId: string, roomId: string): Promise<StoredDraft | undefined>;
  /** Writes drafts in one transaction; null deletes a room's draft. */
  putDrafts(userId: string, drafts: ReadonlyArray<readonly [roomId: string, draft: StoredDraft | null]>): Promise<void>;
  getBlocks(userId: string): Promise<UserSummary[] | undefined>;
  putBlocks(userId: string, blocked: UserSummary[]): Promise<void>;
  /** Everything of this user (rooms, directory, drafts, blocks). */
  clearUser(userId: string): Promise<void>;
  /** Every user's rooms, directories, drafts and blocks except this one's. */
  clearOthers(userId: string): Promise<void>;
}

export interface LocalBounds {
  /** Messages kept per room (the latest). */
  maxMessages: number;
  /** Rooms kept per user (the ones touched last). */
  maxRooms: number;
  /** Bytes (as JSON) for all of a user's rooms. */
  maxBytes: number;
}

/** A draft is kept up to this many characters (a message may hold at most LIMITS.messageLength). */
const MAX_DRAFT_CHARS = 20_000;

export const DEFAULT_BOUNDS: LocalBounds = { maxMessages: 200, maxRooms: 50, maxBytes: 8 * 1024 * 1024 };

/** A log as it is stored: its latest messages, with whether older ones exist before them. */
export function storedFromLog(slug: string, room: RoomSummary, log: MessageLog, maxMessages: number, now: number): StoredRoom {
  const cut = Math.max(0, log.confirmed.length - maxMessages);
  return { slug, room, messages: log.confirmed.slice(cut), hasOlder: cut > 0 || log.hasOlder, changeCursor: log.changeCursor, touchedAt: now };
}

/** A stored room as a log to show (no pending changes: a catch-up reads messages as they are now). */
export function logFromStored(stored: StoredRoom): MessageLog {
  return { confirmed: stored.messages, hasOlder: stored.hasOlder, changeCursor: stored.changeCursor, pending: [] };
}

/**
 * Two copies of one room written by different tabs: the union of their messages by seq (the
 * copy with the further change cursor wins a seq both hold), cut to the latest
 * `maxMessages`, with the lower of the two cursors. Every change is an assignment (a text, a
 * tombstone, a reaction set or unset), so replaying the changes after the lower cursor on
 * messages that already reflect some of them ends in the server's state: the catch-up from
 * the stored cursor makes the merged copy exact.
 */
export function mergeStoredRooms(stored: StoredRoom | undefined, incoming: StoredRoom, maxMessages: number): StoredRoom {
  if (!stored || stored.room.id !== incoming.room.id) return trim(incoming, maxMessages);
  const [behind, ahead] = stored.changeCursor > incoming.changeCursor ? [incoming, stored] : [stored, incoming];
  const bySeq = new Map<number, ChatMessage>();
  for (const m of behind.messages) bySeq.set(m.seq, m);
  for (const m of ahead.messages) bySeq.set(m.seq, m);
  const messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  const oldest = messages[0]?.seq;
  // Older history exists before the union's first message unless a copy holds it and says none does.
  const hasOlder = [stored, incoming].filter((r) => r.messages[0]?.seq === oldest).every((r) => r.hasOlder);
  return trim(
    {
      slug: incoming.slug,
      room: incoming.room,
      messages,
      hasOlder: oldest === undefined ? stored.hasOlder && incoming.hasOlder : hasOlder,
      changeCursor: Math.min(stored.changeCursor, incoming.changeCursor),
      touchedAt: Math.max(stored.touchedAt, incoming.touchedAt),
    },
    maxMessages,
  );
}

function trim(room: StoredRoom, maxMessages: number): StoredRoom {
  const cut = room.messages.length - maxMessages;
  return cut > 0 ? { ...room, messages: room.messages.slice(cut), hasOlder: true } : room;
}

/**
 * Which stored rooms to evict to stay within the bounds: the ones touched longest ago first,
 * until at most `maxRooms` remain and their JSON size is within `maxBytes`.
 */
export function roomsToEvict(rooms: readonly StoredRoom[], bounds: Pick<LocalBounds, "maxRooms" | "maxBytes">): string[] {
  const newestFirst = [...rooms].sort((a, b) => b.touchedAt - a.touchedAt);
  const keep: StoredRoom[] = [];
  let bytes = 0;
  const evict: string[] = [];
  for (const r of newestFirst) {
    const size = JSON.stringify(r).length;
    if (keep.length < bounds.maxRooms && bytes + size <= bounds.maxBytes) {
      keep.push(r);
      bytes += size;
    } else evict.push(r.slug);
  }
  return evict;
}

interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LocalStoreOptions {
  bounds?: Partial<LocalBounds>;
  /** At most one write per this many ms (the dirty rooms together). */
  flushMs?: number;
  timers?: Timers;
  now?: () => number;
}

const isQuotaError = (err: unknown) => err instanceof Error && (err.name === "QuotaExceededError" || /quota/i.test(err.message));

/** One user's records, with the batched writes of the rooms a tab shows. */
export class LocalStore {
  /** `full`: the device refused to store more even after evicting; the app works on, offline with less. */
  readonly problem = new Observable<"full" | null>(null);
  private readonly bounds: LocalBounds;
  /** Rooms changed since the last write: how to read each as stored, at the write. */
  private readonly dirty = new Map<string, { roomId: string; read: () => StoredRoom }>();
  private directory: StoredDirectory | null = null;
  /** Drafts changed since the last write (null: sent or emptied, deleted). */
  private readonly drafts = new Map<string, StoredDraft | null>();
  private blocks: UserSummary[] | null = null;
  private timer: unknown = null;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly o: Required<Omit<LocalStoreOptions, "bounds">>;

  constructor(
    private readonly backend: LocalBackend,
    readonly userId: string,
    options: LocalStoreOptions = {},
  ) {
    this.bounds = { ...DEFAULT_BOUNDS, ...options.bounds };
    this.o = { flushMs: 1000, timers: globalThis, now: () => Date.now(), ...options };
    LocalStore.live.add(this);
  }

  loadRoom(slug: string): Promise<StoredRoom | undefined> {
    return this.backend.getRoom(this.userId, slug).catch(() => undefined);
  }

  loadDirectory(): Promise<StoredDirectory | undefined> {
    return this.backend.getDirectory(this.userId).catch(() => undefined);
  }

  /** Every stored room (the offline search reads them). */
  listRooms(): Promise<StoredRoom[]> {
    return this.backend.listRooms(this.userId).catch(() => []);
  }

  /** A room's log as a tab shows it now: written with the next batch (the latest log of the room then). */
  saveRoom(slug: string, room: RoomSummary, log: MessageLog): void {
    if (this.closed || log.confirmed.length === 0) return;
    const at = this.o.now();
    this.dirty.set(slug, { roomId: room.id, read: () => storedFromLog(slug, room, log, this.bounds.maxMessages, at) });
    this.schedule();
  }

  /** The rooms list and unread counts: written with the next batch. */
  saveDirectory(rooms: RoomSummary[], attention: ReadState[]): void {
    if (this.closed) return;
    this.directory = { rooms, attention, savedAt: this.o.now() };
    this.schedule();
  }

  /** The room's unsent draft as last written by any tab (this tab's waiting one first). */
  async loadDraft(roomId: string): Promise<StoredDraft | undefined> {
    const waiting = this.drafts.get(roomId);
    if (waiting !== undefined) return waiting ?? undefined;
    return this.backend.getDraft(this.userId, roomId).catch(() => undefined);
  }

  /** What the composer holds now: written with the next batch; an empty text deletes the draft. */
  saveDraft(roomId: string, text: string, chosen: readonly UserSummary[]): void {
    if (this.closed) return;
    const kept = text.slice(0, MAX_DRAFT_CHARS);
    this.drafts.set(roomId, kept.trim() === "" ? null : { text: kept, chosen: chosen.filter((p) => kept.includes(`@${p.name}`)), savedAt: this.o.now() });
    this.schedule();
  }

  /** The people this user blocks, as last known (their messages stay folded away offline too). */
  loadBlocks(): Promise<UserSummary[] | undefined> {
    return this.backend.getBlocks(this.userId).catch(() => undefined);
  }

  saveBlocks(blocked: readonly UserSummary[]): void {
    if (this.closed) return;
    this.blocks = [...blocked];
    this.schedule();
  }

  /** A room the user may no longer read (removed, deleted, refused): its history leaves the device, and its draft. */
  async forget(roomId: string): Promise<void> {
    for (const [slug, r] of this.dirty) if (r.roomId === roomId) this.dirty.delete(slug);
    this.drafts.delete(roomId);
    await this.backend.putDrafts(this.userId, [[roomId, null]]).catch(() => undefined);
    const stored = await this.listRooms();
    const slugs = stored.filter((r) => r.room.id === roomId).map((r) => r.slug);
    if (slugs.length > 0) await this.backend.deleteRooms(this.userId, slugs).catch(() => undefined);
  }

  /** A room that is not there (any more) under this address: what was stored under it goes. */
  async forgetSlug(slug: string): Promise<void> {
    this.dirty.delete(slug);
    await this.backend.deleteRooms(this.userId, [slug]).catch(() => undefined);
  }

  /** The server's list of the rooms the user can read (at every connect): the others leave the device. */
  async retain(roomIds: readonly string[]): Promise<void> {
    const allowed = new Set(roomIds);
    for (const [slug, r] of this.dirty) if (!allowed.has(r.roomId)) this.dirty.delete(slug);
    const stored = await this.listRooms();
    const slugs = stored.filter((r) => !allowed.has(r.room.id)).map((r) => r.slug);
    if (slugs.length > 0) await this.backend.deleteRooms(this.userId, slugs).catch(() => undefined);
  }

  /** Writes what is waiting now (a tab closing, a test). */
  flush(): Promise<void> {
    if (this.timer !== null) {
      this.o.timers.clearTimeout(this.timer);
      this.timer = null;
    }
    const rooms = [...this.dirty.values()].map((d) => d.read());
    const directory = this.directory;
    const drafts = [...this.drafts];
    const blocks = this.blocks;
    this.dirty.clear();
    this.directory = null;
    this.drafts.clear();
    this.blocks = null;
    if (rooms.length === 0 && !directory && drafts.length === 0 && !blocks) return this.writing;
    this.writing = this.writing.then(async () => {
      if (drafts.length > 0) await this.backend.putDrafts(this.userId, drafts).catch(() => undefined);
      if (blocks) await this.backend.putBlocks(this.userId, blocks).catch(() => undefined);
      await this.write(rooms, directory);
    });
    return this.writing;
  }

  close(): void {
    void this.flush();
    this.closed = true;
    LocalStore.live.delete(this);
  }

  /**
   * Stops at once without writing what waits (the user signed out: nothing of theirs may be
   * written again); resolves when a write already under way has ended.
   */
  drop(): Promise<void> {
    if (this.timer !== null) this.o.timers.clearTimeout(this.timer);
    this.timer = null;
    this.dirty.clear();
    this.directory = null;
    this.drafts.clear();
    this.blocks = null;
    this.closed = true;
    LocalStore.live.delete(this);
    return this.writing;
  }

  /** The stores open in this tab (signing out drops them before deleting what they wrote). */
  static readonly live = new Set<LocalStore>();

  private schedule() {
    if (this.timer !== null) return;
    this.timer = this.o.timers.setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.o.flushMs);
  }

  private async write(rooms: StoredRoom[], directory: StoredDirectory | null, retried = false): Promise<void> {
    try {
      if (directory) await this.backend.putDirectory(this.userId, directory);
      if (rooms.length > 0) {
        const stored = await this.backend.listRooms(this.userId);
        const incoming = new Set(rooms.map((r) => r.slug));
        const evict = roomsToEvict([...stored.filter((r) => !incoming.has(r.slug)), ...rooms], this.bounds).filter((slug) => !incoming.has(slug));
        await this.backend.updateRooms(this.userId, rooms, (s, i) => mergeStoredRooms(s, i, this.bounds.maxMessages), evict);
      }
      if (this.problem.get()) this.problem.set(null);
    } catch (err) {
      if (!isQuotaError(err)) return; // a closed database (sign-out, a tab closing): nothing to keep
      if (!retried) {
        // The device is full: keep only the newest half of the rooms, then try once more.
        const stored = await this.backend.listRooms(this.userId).catch(() => [] as StoredRoom[]);
        const evict = roomsToEvict(stored, { maxRooms: Math.floor(stored.length / 2), maxBytes: Infinity });
        await this.backend.deleteRooms(this.userId, evict).catch(() => undefined);
        return this.write(rooms, directory, true);
      }
      this.problem.set("full");
    }
  }
}

/** A backend in memory (tests, and browsers without IndexedDB). */
export function memoryLocalBackend(): LocalBackend & { quotaBytes?: number } {
  let identity: StoredIdentity | undefined;
  const directories = new Map<string, StoredDirectory>();
  const rooms = new Map<string, Map<string, StoredRoom>>();
  const drafts = new Map<string, Map<string, StoredDraft>>();
  const blocks = new Map<string, UserSummary[]>();
  const of = (userId: string) => rooms.get(userId) ?? rooms.set(userId, new Map()).get(userId)!;
  const draftsOf = (userId: string) => drafts.get(userId) ?? drafts.set(userId, new Map()).get(userId)!;
  const clone = <T>(v: T): T => structuredClone(v);
  const backend: LocalBackend & { quotaBytes?: number } = {
    async getIdentity() {
      return identity && clone(identity);
    },
    async putIdentity(i) {
      identity = clone(i);
    },
    async deleteIdentity() {
      identity = undefined;
    },
    async getDirectory(userId) {
      const d = directories.get(userId);
      return d && clone(d);
    },
    async putDirectory(userId, d) {
      directories.set(userId, clone(d));
    },
    async getRoom(userId, slug) {
      const r = of(userId).get(slug);
      return r && clone(r);
    },
    async listRooms(userId) {
      return [...of(userId).values()].map(clone);
    },
    async updateRooms(userId, incoming, merge, remove) {
      const mine = new Map(of(userId));
      for (const slug of remove) mine.delete(slug);
      for (const r of incoming) mine.set(r.slug, merge(mine.get(r.slug), clone(r)));
      if (backend.quotaBytes !== undefined && JSON.stringify([...mine.values()]).length > backend.quotaBytes) {
        throw Object.assign(new Error("The quota has been exceeded."), { name: "QuotaExceededError" });
      }
      rooms.set(userId, mine);
    },
    async deleteRooms(userId, slugs) {
      for (const slug of slugs) of(userId).delete(slug);
    },
    async getDraft(userId, roomId) {
      const d = draftsOf(userId).get(roomId);
      return d && clone(d);
    },
    async putDrafts(userId, list) {
      for (const [roomId, d] of list) {
        if (d) draftsOf(userId).set(roomId, clone(d));
        else draftsOf(userId).delete(roomId);
      }
    },
    async getBlocks(userId) {
      const b = blocks.get(userId);
      return b && clone(b);
    },
    async putBlocks(userId, b) {
      blocks.set(userId, clone(b));
    },
    async clearUser(userId) {
      rooms.delete(userId);
      directories.delete(userId);
      drafts.delete(userId);
      blocks.delete(userId);
    },
    async clearOthers(userId) {
      for (const map of [rooms, directories, drafts, blocks] as Map<string, unknown>[]) for (const id of [...map.keys()]) if (id !== userId) map.delete(id);
    },
  };
  return backend;
}
