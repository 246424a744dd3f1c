import { Worker } from "node:worker_threads";

/**
 * A worker thread that answers requests by id, started on first use: the SQLite writer
 * (messages.ts) and the SQLite search (search.ts) talk to theirs through it.
 *
 * - Each request waits in `waiting` under its id until `take(id)` hands it back.
 * - The thread holds the process open only while answers are due (`ref`/`unref`).
 * - When the thread dies or is closed, every request still waiting fails.
 * - The next request after a death starts a new thread.
 *
 * @example
 * const thread = new WorkerThread<Waiting>(url, { file }, "the SQLite writer", (replies) => …);
 * const id = thread.wait({ resolve, reject });
 * thread.post([{ id, m }]);
 */
export class WorkerThread<W extends { reject(err: Error): void }> {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, W>();
  private nextId = 1;
  private closedWith: Error | undefined;

  constructor(
    private readonly url: URL,
    private readonly workerData: unknown,
    /** What the thread is, for errors ("the SQLite writer"). */
    private readonly what: string,
    /** Each message the thread posts; `take` the requests it answers. */
    private readonly onMessage: (data: unknown) => void,
    /** Told when every waiting request has just failed (the caller drops what it had not posted yet). */
    private readonly onFailed: () => void = () => undefined,
    /** Told of each thread it starts (a seam for tests that kill it). */
    private readonly onStarted: (worker: Worker) => void = () => undefined,
  ) {}

  /** The error every request gets once closed, or undefined while open. */
  get closed(): Error | undefined {
    return this.closedWith;
  }

  /** Registers a request; its id goes in the message posted for it. */
  wait(entry: W): number {
    const id = this.nextId++;
    this.waiting.set(id, entry);
    return id;
  }

  /** The request answered by `id` (undefined if it is not waiting any more). */
  take(id: number): W | undefined {
    const entry = this.waiting.get(id);
    if (!entry) return undefined;
    this.waiting.delete(id);
    if (this.waiting.size === 0) this.worker?.unref(); // an idle thread does not hold the process
    return entry;
  }

  /** Posts to the thread, starting it if needed; it holds the process until answered. Closed: throws. */
  post(message: unknown): void {
    if (this.closedWith) throw this.closedWith;
    const worker = this.thread();
    worker.ref();
    worker.postMessage(message);
  }

  /** Starts the thread now if none runs, without holding the process (for work it does by itself). */
  start(): void {
    if (this.closedWith || this.worker) return;
    this.thread().unref();
  }

  /** Stops the thread; every request still waiting fails with `err`, and every later one too. */
  close(err: Error): void {
    this.closedWith = err;
    void this.worker?.terminate();
    this.worker = undefined;
    this.failAll(err);
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.url, { workerData: this.workerData });
    worker.on("message", (data: unknown) => this.onMessage(data));
    const lost = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(err);
    };
    worker.on("error", lost);
    worker.on("exit", (code) => lost(new Error(`${this.what} stopped (exit code ${code})`)));
    this.worker = worker;
    this.onStarted(worker);
    return worker;
  }

  private failAll(err: Error) {
    const entries = [...this.waiting.values()];
    this.waiting.clear();
    for (const entry of entries) entry.reject(err);
    this.onFailed();
  }
}
