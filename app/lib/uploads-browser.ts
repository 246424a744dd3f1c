/**
 * The uploads' browser parts: attached files in IndexedDB (their own object store, per user)
 * and the upload itself, an XMLHttpRequest PUT (fetch reports no upload progress).
 */
import type { Attachment } from "@/server/contract/files";
import { fileUrl } from "@/server/contract/files";
import { openDB, type IDBPDatabase } from "idb";
import { memoryFileStorage, UploadError, type FileStorage, type StoredUpload, type Uploader } from "./uploads";

type Row = StoredUpload & { userId: string };

const FILES_STORE = "files";
let db: Promise<IDBPDatabase> | undefined;
/**
 * A database of its own ("parley-files"), not a new version of the outbox's: a tab still
 * running the previous release holds that one open, and an upgrade would wait for it to close.
 */
function database(): Promise<IDBPDatabase> {
  db ??= openDB("parley-files", 1, {
    upgrade(d) {
      d.createObjectStore(FILES_STORE, { keyPath: "id" }).createIndex("userId", "userId");
    },
  });
  return db;
}

export function indexedDbFileStorage(userId: string, idb: IDBFactory | undefined = globalThis.indexedDB): FileStorage {
  if (!idb) return memoryFileStorage();
  return {
    async load() {
      const rows = (await (await database()).getAllFromIndex(FILES_STORE, "userId", userId)) as Row[];
      return rows.map(({ userId: _, ...upload }) => upload);
    },
    async get(id) {
      const row = (await (await database()).get(FILES_STORE, id)) as Row | undefined;
      if (!row || row.userId !== userId) return undefined;
      const { userId: _, ...upload } = row;
      return upload;
    },
    async put(upload) {
      await (await database()).put(FILES_STORE, { ...upload, userId } satisfies Row);
    },
    async delete(id) {
      await (await database()).delete(FILES_STORE, id);
    },
  };
}

/** Signing out: the user's files waiting to upload leave this browser. */
export async function deleteFilesOf(userId: string): Promise<void> {
  const tx = (await database()).transaction(FILES_STORE, "readwrite");
  for (const key of await tx.store.index("userId").getAllKeys(userId)) void tx.store.delete(key);
  await tx.done;
}

/** Statuses worth retrying: the network, the server or its database, a rate limit. */
const TRANSIENT_STATUS = (status: number) => status === 0 || status === 408 || status === 429 || status >= 500;

export const xhrUploader: Uploader = {
  upload(id, name, blob, onProgress, signal) {
    return new Promise<Attachment>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("PUT", `${fileUrl(id)}?name=${encodeURIComponent(name)}`);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.responseType = "json";
      xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : blob.size);
      xhr.onload = () => {
        if (xhr.status === 200 || xhr.status === 201) return resolve(xhr.response as Attachment);
        const error = (xhr.response as { error?: { code?: string; message?: string } } | null)?.error;
        reject(new UploadError(error?.message ?? `The server answered ${xhr.status}.`, TRANSIENT_STATUS(xhr.status), error?.code));
      };
      xhr.onerror = () => reject(new UploadError("The upload was cut off: it will go on when the connection is back.", true));
      xhr.ontimeout = xhr.onerror;
      xhr.onabort = () => reject(new UploadError("Cancelled.", false));
      signal.addEventListener("abort", () => xhr.abort(), { once: true });
      xhr.send(blob);
    });
  },
};

/** This tab's name, kept across its reloads (sessionStorage is per tab): a reload carries on its own uploads at once. */
export function tabId(): string {
  try {
    let id = sessionStorage.getItem("parley-tab");
    if (!id) sessionStorage.setItem("parley-tab", (id = crypto.randomUUID()));
    return id;
  } catch {
    return crypto.randomUUID();
  }
}

const TAB_LOCK = (tab: string) => `parley-tab-${tab}`;

/**
 * Holds a Web Lock named after this tab for as long as the page lives (the browser releases
 * it when the tab closes or crashes): other tabs ask `tabAlive` before leaving an upload to it.
 */
const held = new Set<string>();
export function holdTabLock(tab: string): void {
  if (typeof navigator === "undefined" || !navigator.locks || held.has(tab)) return;
  held.add(tab);
  void navigator.locks.request(TAB_LOCK(tab), () => new Promise<never>(() => undefined)).catch(() => undefined);
}

/** Whether the tab of that name is still open (true when the browser cannot say: its mark then goes stale). */
export async function tabAlive(tab: string): Promise<boolean> {
  if (typeof navigator === "undefined" || !navigator.locks) return true;
  try {
    const { held = [] } = await navigator.locks.query();
    return held.some((lock) => lock.name === TAB_LOCK(tab));
  } catch {
    return true;
  }
}
