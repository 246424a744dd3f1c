/**
 * The local store's browser parts: IndexedDB (through `idb`) for the identity, the rooms
 * lists, the rooms' histories, the composers' drafts and the blocked people (database
 * `parley-local`), persistent storage asked of
 * the browser, and `wipeDevice`, which signing out runs: it deletes everything of that
 * user that Parley keeps in this browser (the local store, the outbox, the files waiting
 * to upload, the cached pages).
 */
import { openDB, type IDBPDatabase } from "idb";
import { LocalStore, memoryLocalBackend, type LocalBackend, type StoredDraft, type StoredIdentity, type StoredRoom } from "./local-store";
import { deleteOutboxOf } from "./outbox-browser";
import { PAGES_CACHE_PREFIX } from "./pages-cache";
import { deleteFilesOf } from "./uploads-browser";

const DB_NAME = "parley-local";
type RoomRow = StoredRoom & { userId: string };
type DraftRow = StoredDraft & { userId: string; roomId: string };

let db: Promise<IDBPDatabase> | undefined;
function database(): Promise<IDBPDatabase> {
  db ??= openDB(DB_NAME, 2, {
    upgrade(d, from) {
      if (from < 1) {
        d.createObjectStore("identity");
        d.createObjectStore("directories");
        d.createObjectStore("rooms", { keyPath: ["userId", "slug"] }).createIndex("userId", "userId");
      }
      if (from < 2) {
        d.createObjectStore("drafts", { keyPath: ["userId", "roomId"] }).createIndex("userId", "userId");
        d.createObjectStore("blocks");
      }
    },
    // Another tab upgrading (a newer version of Parley): let it, and open again next time.
    blocking() {
      void db?.then((d) => d.close());
      db = undefined;
    },
  }).catch((err: unknown) => {
    db = undefined;
    throw err;
  });
  return db;
}

const strip = ({ userId: _, ...room }: RoomRow): StoredRoom => room;

/** The local store in IndexedDB; in memory where the browser has none (or refuses it, as private windows may). */
export function indexedDbLocalBackend(idb: IDBFactory | undefined = globalThis.indexedDB): LocalBackend {
  if (!idb) return memoryLocalBackend();
  return {
    async getIdentity() {
      return (await database()).get("identity", "current");
    },
    async putIdentity(identity) {
      await (await database()).put("identity", identity, "current");
    },
    async deleteIdentity() {
      await (await database()).delete("identity", "current");
    },
    async getDirectory(userId) {
      return (await database()).get("directories", userId);
    },
    async putDirectory(userId, directory) {
      await (await database()).put("directories", directory, userId);
    },
    async getRoom(userId, slug) {
      const row = (await (await database()).get("rooms", [userId, slug])) as RoomRow | undefined;
      return row && strip(row);
    },
    async listRooms(userId) {
      return ((await (await database()).getAllFromIndex("rooms", "userId", userId)) as RoomRow[]).map(strip);
    },
    async updateRooms(userId, incoming, merge, remove) {
      const tx = (await database()).transaction("rooms", "readwrite");
      for (const slug of remove) void tx.store.delete([userId, slug]);
      for (const room of incoming) {
        const stored = (await tx.store.get([userId, room.slug])) as RoomRow | undefined;
        void tx.store.put({ ...merge(stored && strip(stored), room), userId } satisfies RoomRow);
      }
      await tx.done;
    },
    async deleteRooms(userId, slugs) {
      const tx = (await database()).transaction("rooms", "readwrite");
      for (const slug of slugs) void tx.store.delete([userId, slug]);
      await tx.done;
    },
    async getDraft(userId, roomId) {
      const row = (await (await database()).get("drafts", [userId, roomId])) as DraftRow | undefined;
      return row && { text: row.text, chosen: row.chosen, savedAt: row.savedAt };
    },
    async putDrafts(userId, drafts) {
      const tx = (await database()).transaction("drafts", "readwrite");
      for (const [roomId, draft] of drafts) void (draft ? tx.store.put({ ...draft, userId, roomId } satisfies DraftRow) : tx.store.delete([userId, roomId]));
      await tx.done;
    },
    async getBlocks(userId) {
      return (await database()).get("blocks", userId);
    },
    async putBlocks(userId, blocked) {
      await (await database()).put("blocks", blocked, userId);
    },
    async clearUser(userId) {
      const tx = (await database()).transaction(["rooms", "directories", "drafts", "blocks"], "readwrite");
      for (const name of ["rooms", "drafts"] as const) {
        const store = tx.objectStore(name);
        for (const key of await store.index("userId").getAllKeys(userId)) void store.delete(key);
      }
      void tx.objectStore("directories").delete(userId);
      void tx.objectStore("blocks").delete(userId);
      await tx.done;
    },
    async clearOthers(userId) {
      const tx = (await database()).transaction(["rooms", "directories", "drafts", "blocks"], "readwrite");
      const rooms = tx.objectStore("rooms");
      for (const row of (await rooms.getAll()) as RoomRow[]) if (row.userId !== userId) void rooms.delete([row.userId, row.slug]);
      const drafts = tx.objectStore("drafts");
      for (const row of (await drafts.getAll()) as DraftRow[]) if (row.userId !== userId) void drafts.delete([row.userId, row.roomId]);
      for (const name of ["directories", "blocks"] as const) {
        const store = tx.objectStore(name);
        for (const key of await store.getAllKeys()) if (key !== userId) void store.delete(key);
      }
      await tx.done;
    },
  };
}

/** Asks the browser not to evict Parley's storage under pressure (it may say no; nothing depends on it). */
export function askPersistentStorage(): void {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  if (storage?.persist) void storage.persisted().then((yes) => (yes ? true : storage.persist())).catch(() => undefined);
}

/**
 * Signing out: everything of `userId` Parley keeps in this browser is deleted (the rooms and
 * their histories, the rooms list, the identity, the outbox, the files waiting to upload)
 * and the cached pages, so the next person on this browser finds nothing of theirs.
 */
export async function wipeDevice(userId: string): Promise<void> {
  // This tab's stores stop writing first, then the other tabs' (they delete once more after their last write).
  await Promise.all([...LocalStore.live].filter((s) => s.userId === userId).map((s) => s.drop()));
  signedOutChannel()?.postMessage({ signedOut: userId });
  await deleteEverything(userId);
}

async function deleteEverything(userId: string): Promise<void> {
  if (typeof indexedDB === "undefined") return;
  const backend = indexedDbLocalBackend();
  await Promise.allSettled([
    backend.clearUser(userId),
    backend.deleteIdentity(),
    deleteOutboxOf(userId),
    deleteFilesOf(userId),
    typeof caches === "undefined" ? Promise.resolve() : caches.keys().then((names) => Promise.all(names.filter((n) => n.startsWith(PAGES_CACHE_PREFIX)).map((n) => caches.delete(n)))),
  ]);
}

let channel: BroadcastChannel | null | undefined;
function signedOutChannel(): BroadcastChannel | null {
  if (channel === undefined) channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel("parley-signed-out");
  return channel;
}

/**
 * Another tab signed `userId` out: `onSignedOut` is called (the tab shows the sign-in form)
 * once this tab's stores of that user have stopped and what they may have written last is
 * deleted too.
 */
export function onSignedOutElsewhere(onSignedOut: (userId: string) => void): () => void {
  const c = signedOutChannel();
  if (!c) return () => {};
  const heard = (e: MessageEvent<{ signedOut?: unknown }>) => {
    const userId = e.data?.signedOut;
    if (typeof userId !== "string") return;
    void Promise.all([...LocalStore.live].filter((s) => s.userId === userId).map((s) => s.drop()))
      .then(() => deleteEverything(userId))
      .finally(() => onSignedOut(userId));
  };
  c.addEventListener("message", heard);
  return () => c.removeEventListener("message", heard);
}

/**
 * A warm open's first reads, started when the app's code loads (before React renders): the
 * identity, and the stored copy of the room the address names. The session and the room view
 * take them instead of reading again, so the device's answer overlaps the page's start-up.
 */
const early: { identity?: Promise<StoredIdentity | undefined>; room?: { slug: string; read: Promise<{ userId: string; room: StoredRoom | undefined } | undefined> } } = {};
if (typeof window !== "undefined" && typeof indexedDB !== "undefined") {
  // When the app's code began to run: the warm open's paint is measured from here
  // (scripts/measure-warm-open.ts; issue 30's "after the app's script runs").
  performance.mark("parley:app-script");
  const backend = indexedDbLocalBackend();
  early.identity = backend.getIdentity().catch(() => undefined);
  const match = /^\/r\/([^/]+)$/.exec(window.location.pathname);
  if (match) {
    const slug = decodeURIComponent(match[1]!);
    early.room = {
      slug,
      read: early.identity.then(async (identity) => (identity ? { userId: identity.user.id, room: await backend.getRoom(identity.user.id, slug) } : undefined)).catch(() => undefined),
    };
  }
}

/** The identity read when the app loaded (once); later calls read again. */
export function firstIdentityRead(): Promise<StoredIdentity | undefined> {
  const read = early.identity ?? indexedDbLocalBackend().getIdentity();
  early.identity = undefined;
  return read;
}

/** The stored copy of `slug` read when the app loaded, for `userId` (once), or undefined. */
export function firstRoomRead(userId: string, slug: string): Promise<StoredRoom | undefined> | undefined {
  const room = early.room;
  early.room = undefined;
  if (!room || room.slug !== slug) return undefined;
  // Read for the person last signed in: someone else's copy is never shown.
  return room.read.then((r) => (r && r.userId === userId ? r.room : undefined));
}
