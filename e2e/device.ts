import { expect, type Page } from "@playwright/test";

/** What Parley keeps in this browser, read straight from IndexedDB and the Cache API. */
export interface DeviceState {
  /** The user id of the identity kept (null: none). */
  identity: string | null;
  rooms: Array<{ userId: string; slug: string; texts: string[]; changeCursor: number }>;
  /** User ids whose rooms list is kept. */
  directories: string[];
  /** The composers' drafts kept. */
  drafts: Array<{ userId: string; roomId: string; text: string }>;
  /** User ids with outbox entries. */
  outbox: string[];
  /** Pages kept by the service worker (paths). */
  pages: string[];
  /** Every record of every Parley database, as JSON: a text must not be found anywhere in it. */
  everything: string;
}

export function deviceState(page: Page): Promise<DeviceState> {
  return page.evaluate(async () => {
    // Only databases that exist are opened: opening a missing one would create it empty, at
    // a version the app's own upgrade would then never run for.
    const existing = new Set((await indexedDB.databases()).map((d) => d.name));
    const request = <T,>(req: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    async function read(name: string, store: string): Promise<{ keys: IDBValidKey[]; values: unknown[] }> {
      if (!existing.has(name)) return { keys: [], values: [] };
      const db = await request(indexedDB.open(name));
      try {
        if (!db.objectStoreNames.contains(store)) return { keys: [], values: [] };
        const tx = db.transaction(store);
        return { keys: await request(tx.objectStore(store).getAllKeys()), values: await request(tx.objectStore(store).getAll()) };
      } finally {
        db.close();
      }
    }
    const identity = await read("parley-local", "identity");
    const rooms = await read("parley-local", "rooms");
    const directories = await read("parley-local", "directories");
    const drafts = await read("parley-local", "drafts");
    const blocks = await read("parley-local", "blocks");
    const outbox = await read("parley", "outbox");
    const files = await read("parley-files", "files");
    const pages: string[] = [];
    for (const name of await caches.keys()) {
      if (!name.startsWith("parley-pages-")) continue;
      for (const req of await (await caches.open(name)).keys()) pages.push(new URL(req.url).pathname);
    }
    type Room = { userId: string; slug: string; messages: Array<{ body: string }>; changeCursor: number };
    return {
      identity: (identity.values[0] as { user?: { id: string } } | undefined)?.user?.id ?? null,
      rooms: (rooms.values as Room[]).map((r) => ({ userId: r.userId, slug: r.slug, texts: r.messages.map((m) => m.body), changeCursor: r.changeCursor })),
      directories: directories.keys.map(String),
      drafts: (drafts.values as Array<{ userId: string; roomId: string; text: string }>).map(({ userId, roomId, text }) => ({ userId, roomId, text })),
      outbox: [...new Set((outbox.values as Array<{ userId: string }>).map((e) => e.userId))],
      pages,
      everything: JSON.stringify([identity, rooms, directories, drafts, blocks, outbox, files.values.map((f) => ({ ...(f as object), blob: undefined }))]),
    };
  });
}

/**
 * Waits until the page would open with no server: a service worker controls it, the page
 * at `path` is kept, and the room there is stored with these texts (the local store writes
 * in batches, about once a second).
 */
export async function openableOffline(page: Page, path: string, texts: string[]): Promise<void> {
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 20_000 }).toBe(true);
  const slug = decodeURIComponent(path.split("/").pop()!);
  await expect
    .poll(
      async () => {
        const state = await deviceState(page);
        return { page: state.pages.includes(path), texts: state.rooms.find((r) => r.slug === slug)?.texts ?? [] };
      },
      { timeout: 20_000 },
    )
    .toEqual({ page: true, texts: expect.arrayContaining(texts) });
}
