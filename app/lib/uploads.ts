/**
 * Files the user attached: each gets its id (a UUID) at once, is kept on the device (IndexedDB,
 * an object store of its own: never inside outbox entries) and uploaded over HTTP eagerly,
 * while the user is still writing, so that sending the message later costs nothing. An upload
 * is retried under the same id until the server answers (the server stores one file per id:
 * a retry after a lost answer stores nothing twice), across reloads, going offline and
 * server restarts; a refusal (too large, over quota) is final and says why.
 *
 * The outbox asks `readiness` before sending a message with files: it waits (in order) until
 * every file is uploaded, and fails the message if one was refused. Once the message is
 * acknowledged, its files leave the device (`release`).
 *
 * Framework-free over `FileStorage` and `Uploader`; the browser's are in uploads-browser.ts.
 */
import type { Attachment, FileLimits } from "@/server/contract/files";
import { formatBytes } from "@/server/contract/files";
import { Emitter } from "./emitter";
import { Observable } from "./observable";

/** A file as the device keeps it until its message is sent. */
export interface StoredUpload {
  id: string;
  name: string;
  type: string;
  size: number;
  createdAt: number;
  /** The bytes, until the server has them. */
  blob?: Blob;
  /** The server's answer once uploaded (the bytes are then dropped). */
  attachment?: Attachment;
  /** A refusal (too large, over quota, not allowed): final. */
  refused?: string;
  /** Which tab is uploading it, and when it last said so (another tab leaves it to that one meanwhile). */
  uploader?: { tab: string; at: number };
}

export interface FileStorage {
  load(): Promise<StoredUpload[]>;
  get(id: string): Promise<StoredUpload | undefined>;
  /** Throws a `QuotaExceededError` (a DOMException) when the device is full. */
  put(upload: StoredUpload): Promise<void>;
  delete(id: string): Promise<void>;
}

/** Why an upload did not go through: `transient` ones are retried. */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly code?: string,
  ) {
    super(message);
    this.name = "UploadError";
  }
}

export interface Uploader {
  /** PUTs the bytes under `id`; `onProgress(sent, total)`; resolves the server's attachment. */
  upload(id: string, name: string, blob: Blob, onProgress: (sent: number, total: number) => void, signal: AbortSignal): Promise<Attachment>;
}

/** What the composer and a waiting message show of a file. */
export interface UploadState {
  id: string;
  name: string;
  type: string;
  size: number;
  status: "uploading" | "waiting" | "uploaded" | "refused";
  /** 0 to 1 while uploading. */
  progress: number;
  error?: string;
  attachment?: Attachment;
}

/** What the outbox learns of a message's files. */
export type Readiness = { ready: Attachment[] } | { waiting: true } | { refused: string };

interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface UploadsOptions {
  storage: FileStorage;
  uploader: Uploader;
  newId?: () => string;
  now?: () => number;
  timers?: Timers;
  retryDelay?: (attempt: number) => number;
  /** Tells the other tabs that stored files changed (an upload finished). */
  publish?: () => void;
  /** Files unsent for this long are forgotten at load (a draft closed with its tab). */
  forgetAfterMs?: number;
  /** This tab's name among the browser's tabs (uploads-browser.ts makes one per tab). */
  tab?: string;
  /**
   * Whether the tab of that name is still open (uploads-browser.ts asks the browser's Web
   * Locks): a closed tab's uploads are taken over at once, not when its mark is stale.
   */
  alive?: (tab: string) => Promise<boolean>;
}

/** An upload says it is alive this often; another tab takes it over after three times that in silence. */
const HEARTBEAT_MS = 5_000;

const defaultRetryDelay = (attempt: number) => Math.min(30_000, 1000 * 2 ** (attempt - 1)) * (0.5 + Math.random() * 0.5);

export class Uploads extends Observable<ReadonlyMap<string, UploadState>> {
  /** An upload finished or was refused (the outbox sends what waited for it). */
  readonly settled = new Emitter<string>();
  private readonly running = new Map<string, AbortController>();
  private readonly retries = new Map<string, unknown>();
  private readonly attempts = new Map<string, number>();
  /** Files another tab carries: looked at again once its mark would be stale (that tab may be gone). */
  private readonly rechecks = new Map<string, unknown>();
  private limits: FileLimits | null = null;
  private closed = false;
  private readonly o: Required<Omit<UploadsOptions, "publish">> & Pick<UploadsOptions, "publish">;

  constructor(options: UploadsOptions) {
    super(new Map());
    this.o = {
      newId: () => crypto.randomUUID(),
      tab: Math.random().toString(36).slice(2),
      now: () => Date.now(),
      timers: globalThis,
      retryDelay: defaultRetryDelay,
      forgetAfterMs: 7 * 24 * 3600_000,
      alive: async () => true,
      ...options,
    };
  }

  /** The server's limits (checked before uploading, where they can be). */
  setLimits(limits: FileLimits | null): void {
    this.limits = limits;
    this.set(new Map(this.get())); // those who read the limits render again
  }

  getLimits(): FileLimits | null {
    return this.limits;
  }

  /**
   * Why `files` cannot be attached next to `alreadyAttached` others, or null: checked before
   * anything is stored or uploaded.
   */
  refusal(files: readonly { name: string; size: number }[], alreadyAttached: number): string | null {
    const limits = this.limits;
    if (!limits) return null;
    if (!limits.mayUpload) return "Guests cannot upload files here: create an account first.";
    if (alreadyAttached + files.length > limits.filesPerMessage) return `A message may carry at most ${limits.filesPerMessage} files.`;
    const big = files.find((f) => f.size > limits.fileBytes);
    if (big) return `“${big.name}” is ${formatBytes(big.size)}: files may be at most ${formatBytes(limits.fileBytes)}.`;
    return null;
  }

  /** Keeps the file on the device, then uploads it. Throws when the device has no room for it. */
  async attach(file: Blob, name: string): Promise<UploadState> {
    const stored: StoredUpload = { id: this.o.newId(), name, type: file.type, size: file.size, createdAt: this.o.now(), blob: file };
    try {
      await this.o.storage.put(stored);
    } catch (err) {
      if ((err as { name?: string }).name === "QuotaExceededError") {
        throw new Error(`This device has no room left to keep “${name}” until it is uploaded: free some space, or attach a smaller file.`);
      }
      throw err;
    }
    this.show(stateOf(stored, "uploading"));
    this.start(stored);
    return this.get().get(stored.id)!;
  }

  /** A file removed from the composer: its upload stops and the device forgets it (the server sweeps what it got). */
  async remove(id: string): Promise<void> {
    this.stop(id);
    await this.marking(id, () => this.o.storage.delete(id));
    this.forget(id);
  }

  /** Files sent with an acknowledged message: nothing left to keep. */
  async release(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      this.stop(id);
      await this.marking(id, () => this.o.storage.delete(id));
      this.forget(id);
    }
  }

  /**
   * Whether a message's files are all on the server: `ready` with their attachments, `waiting`
   * (uploads go on: in this tab, which starts any that no upload of this tab carries), or
   * `refused` with the reason. Read from the device's storage, shared by the browser's tabs.
   */
  async readiness(ids: readonly string[]): Promise<Readiness> {
    const ready: Attachment[] = [];
    let waiting = false;
    for (const id of ids) {
      const stored = await this.o.storage.get(id);
      if (!stored) return { refused: "A file of this message is no longer on this device: attach it again." };
      if (stored.refused) return { refused: `“${stored.name}” was not accepted: ${stored.refused}` };
      if (stored.attachment) {
        ready.push(stored.attachment);
        continue;
      }
      // Another tab uploading it, and heard from lately: left to that tab (its answer reaches this one through storage).
      const elsewhere =
        stored.uploader && stored.uploader.tab !== this.o.tab && this.o.now() - stored.uploader.at < 3 * HEARTBEAT_MS && (await this.o.alive(stored.uploader.tab));
      if (elsewhere && !this.rechecks.has(id)) {
        // If that tab was closed mid-upload, nothing else would ask again: this tab does, once its mark is stale.
        const staleIn = stored.uploader!.at + 3 * HEARTBEAT_MS - this.o.now() + 50;
        this.rechecks.set(
          id,
          this.o.timers.setTimeout(() => {
            this.rechecks.delete(id);
            if (!this.closed) this.settled.emit(id);
          }, staleIn),
        );
      }
      // Uploaded by this tab while this check read the device.
      const known = this.get().get(id)?.attachment;
      if (known) {
        ready.push(known);
        continue;
      }
      waiting = true;
      if (!elsewhere && !this.running.has(id) && !this.retries.has(id)) {
        this.show(stateOf(stored, "uploading"));
        this.start(stored);
      }
    }
    return waiting ? { waiting: true } : { ready };
  }

  /** Uploads that wait for a retry go now (the network is back). */
  resume(): void {
    for (const [id, timer] of [...this.retries]) {
      this.o.timers.clearTimeout(timer);
      this.retries.delete(id);
      void this.o.storage.get(id).then((stored) => stored && !stored.attachment && !stored.refused && this.start(stored));
    }
  }

  /** Loads what the device keeps (files of messages not sent yet); forgets drafts long abandoned. */
  async load(): Promise<void> {
    const next = new Map(this.get());
    for (const stored of await this.o.storage.load()) {
      if (!stored.attachment && this.o.now() - stored.createdAt > this.o.forgetAfterMs) {
        await this.o.storage.delete(stored.id);
        continue;
      }
      if (!next.has(stored.id)) next.set(stored.id, stateOf(stored, stored.attachment ? "uploaded" : stored.refused ? "refused" : "waiting"));
    }
    this.set(next);
  }

  /** For the outbox (OutboxFiles). */
  onSettled = (listener: () => void): (() => void) => this.settled.subscribe(listener);

  close(): void {
    this.closed = true;
    for (const timer of this.rechecks.values()) this.o.timers.clearTimeout(timer);
    this.rechecks.clear();
    const carried = [...this.running.keys(), ...this.retries.keys()];
    for (const id of carried) this.stop(id);
    this.releaseMarks(carried);
  }

  /**
   * This tab no longer carries these uploads (it is closing): its marks go, so that another
   * tab takes them over at once rather than when the marks are stale. Best effort: a tab
   * killed outright leaves its marks, and they go stale.
   */
  releaseMarks(ids: readonly string[] = [...this.running.keys(), ...this.retries.keys()]): void {
    for (const id of ids) {
      void this.marking(id, async () => {
        const current = await this.o.storage.get(id);
        if (current?.uploader?.tab !== this.o.tab) return;
        const { uploader: _mine, ...rest } = current;
        await this.o.storage.put(rest);
      });
    }
  }

  private start(stored: StoredUpload): void {
    if (this.closed || !stored.blob || this.running.has(stored.id)) return;
    const controller = new AbortController();
    this.running.set(stored.id, controller);
    const { id, name, blob } = stored;
    /** No longer running (unless stopped meanwhile, and perhaps started again). */
    const done = () => {
      if (this.running.get(id) === controller) this.running.delete(id);
    };
    // Tells the browser's other tabs that this one carries the upload (and is alive).
    let beat = 0;
    const heartbeat = () => {
      const now = this.o.now();
      if (now - beat < HEARTBEAT_MS) return;
      beat = now;
      void this.marking(id, async () => {
        const s = await this.o.storage.get(id);
        if (s && !s.attachment && !controller.signal.aborted) await this.o.storage.put({ ...s, uploader: { tab: this.o.tab, at: now } });
      });
    };
    heartbeat();
    void this.o.uploader
      .upload(
        id,
        name,
        blob,
        (sent, total) => {
          this.patch(id, { status: "uploading", progress: total > 0 ? sent / total : 0 });
          heartbeat();
        },
        controller.signal,
      )
      .then(
        async (attachment) => {
          if (controller.signal.aborted) return;
          this.attempts.delete(id);
          // Known here at once, and still counted as running until the device has it too, so
          // that a readiness check in between (which reads the device) starts no second upload.
          this.patch(id, { status: "uploaded", progress: 1, attachment, error: undefined });
          // The bytes are on the server: the device keeps only the answer.
          const { blob: _bytes, uploader: _tab, ...rest } = stored;
          await this.marking(id, async () => {
            if (await this.o.storage.get(id)) await this.o.storage.put({ ...rest, attachment });
          });
          done();
          this.o.publish?.();
          this.settled.emit(id);
        },
        async (err: unknown) => {
          if (controller.signal.aborted) return;
          const error = err instanceof UploadError ? err : new UploadError("The upload failed.", true);
          if (!error.transient) {
            await this.marking(id, async () => {
              const { uploader: _tab, ...rest } = stored;
              if (await this.o.storage.get(id)) await this.o.storage.put({ ...rest, refused: error.message });
            });
            done();
            this.patch(id, { status: "refused", error: error.message });
            this.o.publish?.();
            this.settled.emit(id);
            return;
          }
          // Not carrying it while it waits: another tab may try meanwhile.
          await this.marking(id, async () => {
            const current = await this.o.storage.get(id);
            if (current?.uploader?.tab !== this.o.tab) return;
            const { uploader: _mine, ...rest } = current;
            await this.o.storage.put(rest);
          });
          done();
          if (controller.signal.aborted) return;
          const attempt = (this.attempts.get(id) ?? 0) + 1;
          this.attempts.set(id, attempt);
          this.patch(id, { status: "waiting", progress: 0, error: error.message });
          this.retries.set(
            id,
            this.o.timers.setTimeout(() => {
              this.retries.delete(id);
              void this.o.storage.get(id).then((s) => s && !s.attachment && this.start(s));
            }, this.o.retryDelay(attempt)),
          );
        },
      );
  }

  /** Writes of one file's "who carries it" mark, one after another (a heartbeat never lands after the mark's removal). */
  private readonly marks = new Map<string, Promise<void>>();
  private marking(id: string, write: () => Promise<void>): Promise<void> {
    const next = (this.marks.get(id) ?? Promise.resolve()).then(write).catch(() => undefined);
    this.marks.set(id, next);
    void next.then(() => {
      if (this.marks.get(id) === next) this.marks.delete(id);
    });
    return next;
  }

  private stop(id: string): void {
    this.running.get(id)?.abort();
    this.running.delete(id);
    const timer = this.retries.get(id);
    if (timer !== undefined) this.o.timers.clearTimeout(timer);
    this.retries.delete(id);
    this.attempts.delete(id);
  }

  private show(state: UploadState): void {
    const next = new Map(this.get());
    next.set(state.id, state);
    this.set(next);
  }

  private patch(id: string, change: Partial<UploadState>): void {
    const current = this.get().get(id);
    if (current) this.show({ ...current, ...change });
  }

  private forget(id: string): void {
    if (!this.get().has(id)) return;
    const next = new Map(this.get());
    next.delete(id);
    this.set(next);
  }
}

function stateOf(stored: StoredUpload, status: UploadState["status"]): UploadState {
  return {
    id: stored.id,
    name: stored.name,
    type: stored.type,
    size: stored.size,
    status,
    progress: stored.attachment ? 1 : 0,
    ...(stored.refused ? { error: stored.refused } : {}),
    ...(stored.attachment ? { attachment: stored.attachment } : {}),
  };
}

/** Storage in memory: tests, and browsers without IndexedDB. */
export function memoryFileStorage(): FileStorage {
  const rows = new Map<string, StoredUpload>();
  return {
    load: async () => [...rows.values()].map((r) => ({ ...r })),
    get: async (id) => (rows.has(id) ? { ...rows.get(id)! } : undefined),
    put: async (r) => void rows.set(r.id, { ...r }),
    delete: async (id) => void rows.delete(id),
  };
}
