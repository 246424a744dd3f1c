import type { ServerToClientEvents } from "@/server/contract/events";
import type { Ack } from "@/server/contract/errors";
import { DISCONNECTED_ERROR, type ChatTransport, type RequestEvent, type RequestPayload } from "../transport";

interface Pending {
  event: RequestEvent;
  payload: unknown;
  /** The wait the caller asked for, when it asked for other than the default. */
  timeoutMs: number | undefined;
  resolve(ack: Ack<unknown> | { ok: false; error: { code: string; message: string } }): void;
}

/**
 * A transport the test drives by hand: requests wait in `pending` until the test answers
 * them, so orderings (an ack lost, a reconnect mid-send) are reproducible.
 */
export class FakeTransport implements ChatTransport {
  connected = true;
  readonly pending: Pending[] = [];
  /** Taken by the test but not answered: a disconnect fails them, as a real socket does. */
  private readonly taken = new Set<Pending>();
  private readonly listeners = new Map<string, Set<(arg: never) => void>>();

  isConnected = () => this.connected;

  request = ((event: RequestEvent, payload: unknown, timeoutMs?: number) =>
    new Promise((resolve) => {
      if (!this.connected) {
        resolve({ ok: false, error: DISCONNECTED_ERROR });
        return;
      }
      this.pending.push({ event, payload, timeoutMs, resolve: resolve as Pending["resolve"] });
    })) as ChatTransport["request"];

  /** Hints sent without an answer (typing), in order. */
  readonly notified: Array<{ event: string; payload: unknown }> = [];
  notify: ChatTransport["notify"] = (event, payload) => {
    if (!this.connected) return false;
    this.notified.push({ event, payload });
    return true;
  };

  subscribe<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]) {
    return this.on(event, listener as never);
  }
  onConnect(listener: () => void) {
    return this.on("connect", listener as never);
  }
  onDisconnect(listener: (cause: { byServer: boolean }) => void) {
    return this.on("disconnect", listener as never);
  }
  onConnectError(listener: (error: { code?: string; message?: string }) => void) {
    return this.on("connect_error", listener as never);
  }
  onReconnecting(listener: () => void) {
    return this.on("reconnecting", listener as never);
  }

  /** Delivers a server event to subscribers. */
  emit<E extends keyof ServerToClientEvents>(event: E, arg: Parameters<ServerToClientEvents[E]>[0]) {
    for (const l of this.listeners.get(event) ?? []) l(arg as never);
  }

  /** Takes the oldest unanswered request, checking its event name. */
  take<E extends RequestEvent>(event: E): { payload: RequestPayload<E>; timeoutMs: number | undefined; resolve: Pending["resolve"] } {
    const next = this.pending.shift();
    if (!next) throw new Error(`no pending request (wanted ${event})`);
    if (next.event !== event) throw new Error(`next request is ${next.event}, not ${event}`);
    this.taken.add(next);
    return {
      payload: next.payload as never,
      timeoutMs: next.timeoutMs,
      resolve: (ack) => {
        this.taken.delete(next);
        next.resolve(ack);
      },
    };
  }

  /** The connection drops (`byServer`: the server closed it). */
  disconnect(byServer = false) {
    this.connected = false;
    for (const p of [...this.pending.splice(0), ...this.taken]) p.resolve({ ok: false, error: DISCONNECTED_ERROR });
    this.taken.clear();
    for (const l of this.listeners.get("disconnect") ?? []) l({ byServer } as never);
  }

  /** A connection attempt fails (`code`: the server's refusal). */
  connectError(code?: string) {
    for (const l of this.listeners.get("connect_error") ?? []) l((code ? { code } : {}) as never);
  }

  /** Trying again after a drop. */
  reconnecting() {
    for (const l of this.listeners.get("reconnecting") ?? []) l(undefined as never);
  }

  connect() {
    this.connected = true;
    for (const l of this.listeners.get("connect") ?? []) l(undefined as never);
  }

  private on(event: string, listener: (arg: never) => void) {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }
}

/** Lets queued promise callbacks and storage writes run. */
export const settle = () => new Promise<void>((r) => setTimeout(r, 0));
