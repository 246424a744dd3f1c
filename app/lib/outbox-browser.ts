/**
 * The outbox's browser parts: IndexedDB storage per user, a BroadcastChannel to tell the
 * other tabs, and a Web Lock that makes one tab of the browser the sender.
 */
import { openDB, type IDBPDatabase } from "idb";
import { memoryOutboxStorage, type OutboxEntry, type OutboxStorage, type OutboxSync } from "./outbox";

const DB_NAME = "parley";
const STORE = "outbox";

type Stored = OutboxEntry & { userId: string };

let db: Promise<IDBPDatabase> | undefined;
function database(): Promise<IDBPDatabase> {
  db ??= openDB(DB_NAME, 1, {
    upgrade(d) {
      const store = d.createObjectStore(STORE, { keyPath: "clientId" });
      store.createIndex("userId", "userId");
    },
  });
  return db;
}

/** The user's outbox in IndexedDB; in memory when IndexedDB is unavailable. */
export function indexedDbOutboxStorage(userId: string, idb: IDBFactory | undefined = globalThis.indexedDB): OutboxStorage {
  if (!idb) return memoryOutboxStorage();
  return {
    async load() {
      const rows = (await (await database()).getAllFromIndex(STORE, "userId", userId)) as Stored[];
      return rows.map(({ userId: _, ...entry }) => entry);
    },
    async put(entry) {
      await (await database()).put(STORE, { ...entry, userId } satisfies Stored);
    },
    async delete(clientId) {
      await (await database()).delete(STORE, clientId);
    },
  };
}

/** Signing out: the user's outbox leaves this browser. */
export async function deleteOutboxOf(userId: string): Promise<void> {
  const tx = (await database()).transaction(STORE, "readwrite");
  for (const key of await tx.store.index("userId").getAllKeys(userId)) void tx.store.delete(key);
  await tx.done;
}

export function broadcastOutboxSync(userId: string): OutboxSync | undefined {
  if (typeof BroadcastChannel === "undefined") return undefined;
  const channel = new BroadcastChannel(`parley-outbox-${userId}`);
  return {
    publish: () => channel.postMessage("changed"),
    subscribe(listener) {
      const onMessage = () => listener();
      channel.addEventListener("message", onMessage);
      return () => {
        channel.removeEventListener("message", onMessage);
      };
    },
  };
}

/**
 * Asks for the browser-wide lock `name`; `onLeader(true)` once this tab holds it. The lock is
 * held until `release()` (or the tab closes), when the next waiting tab gets it. Without Web
 * Locks every tab leads, and the server's dedup keeps messages single.
 */
export function electLeader(name: string, onLeader: (leader: boolean) => void): () => void {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) {
    onLeader(true);
    return () => onLeader(false);
  }
  const controller = new AbortController();
  let release: (() => void) | undefined;
  locks
    .request(name, { signal: controller.signal }, () => {
      onLeader(true);
      return new Promise<void>((resolve) => (release = resolve));
    })
    .catch(() => undefined); // aborted while waiting
  return () => {
    controller.abort();
    release?.();
    onLeader(false);
  };
}
