import type { SearchResult } from "@/server/contract/search";
import { Observable } from "./observable";
import type { ChatTransport } from "./transport";

export interface SearchState {
  /** The query the results are for (null: no search shown). */
  query: string | null;
  /** The room the search was narrowed to, if any. */
  roomId: string | undefined;
  results: SearchResult[];
  next: string | null;
  loading: boolean;
  error: string | null;
  /** The results are from this device's messages only (no server to ask). */
  onDevice?: true;
}

export const NO_SEARCH: SearchState = { query: null, roomId: undefined, results: [], next: null, loading: false, error: null };

/** Where a search goes when the server cannot be asked: the messages kept on this device. */
export interface DeviceSearch {
  search(query: string, roomId?: string): Promise<SearchResult[]>;
}

/**
 * The search the user is looking at, kept by the connection (not by a component), so that
 * its results are still there after a result opened its room. An answer to a query older
 * than the latest one is dropped.
 */
export class MessageSearchStore extends Observable<SearchState> {
  private ticket = 0;

  /** The search under way, if any (settles after it is answered). */
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly transport: Pick<ChatTransport, "request" | "isConnected">,
    private readonly device?: DeviceSearch,
  ) {
    super(NO_SEARCH);
  }

  search(query: string, roomId?: string): Promise<void> {
    return this.run(query, roomId);
  }

  /** The next (older) page of the current search. */
  more(): Promise<void> {
    const { query, roomId, next } = this.get();
    return query !== null && next ? this.run(query, roomId, next) : Promise.resolve();
  }

  clear(): void {
    this.ticket++;
    this.set(NO_SEARCH);
  }

  private async run(query: string, roomId: string | undefined, cursor?: string): Promise<void> {
    const ticket = ++this.ticket;
    const before = this.get();
    this.set(cursor ? { ...before, loading: true, error: null } : { ...NO_SEARCH, query, roomId, loading: true });
    // The server answers one search at a time per user: the latest one asked waits for the
    // answer under way, and those asked in between are never sent.
    while (this.inFlight) await this.inFlight;
    if (ticket !== this.ticket) return;
    if (!cursor && this.device && !this.transport.isConnected()) {
      // No server to ask: the messages on this device, and the results say so.
      const results = await this.device.search(query, roomId).catch(() => []);
      if (ticket === this.ticket) this.set({ query, roomId, results, next: null, loading: false, error: null, onDevice: true });
      return;
    }
    const request = this.transport.request("message:search", { query, ...(roomId ? { roomId } : {}), ...(cursor ? { cursor } : {}) });
    this.inFlight = request.then(
      () => void (this.inFlight = null),
      () => void (this.inFlight = null),
    );
    const ack = await request;
    if (ticket !== this.ticket) return;
    const now = this.get();
    if (!ack.ok) this.set({ ...now, loading: false, error: ack.error.message });
    else this.set({ query, roomId, results: cursor ? [...now.results, ...ack.data.results] : ack.data.results, next: ack.data.next, loading: false, error: null });
  }
}
