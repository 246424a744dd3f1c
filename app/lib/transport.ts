import type { ClientToServerEvents, ServerToClientEvents } from "@/server/contract/events";
import type { Ack } from "@/server/contract/errors";
import { ACK_TIMEOUT_MS, type ParleyClientSocket } from "./socket";

/** Client events that take an acknowledgement. */
export type RequestEvent = {
  [E in keyof ClientToServerEvents]: Parameters<ClientToServerEvents[E]> extends [unknown, (ack: infer _A) => void]
    ? E
    : never;
}[keyof ClientToServerEvents];

/** Client events sent without an acknowledgement (typing hints). */
export type NotifyEvent = Exclude<keyof ClientToServerEvents, RequestEvent>;

export type RequestPayload<E extends RequestEvent> = Parameters<ClientToServerEvents[E]>[0];
export type RequestData<E extends RequestEvent> =
  Parameters<ClientToServerEvents[E]> extends [unknown, (ack: Ack<infer T>) => void] ? T : never;

/** The error a request resolves with when no acknowledgement came in time. */
export const TIMEOUT_ERROR = { code: "timeout", message: "The server did not answer in time." } as const;
/** The error a request resolves with when the connection dropped before its answer came. */
export const DISCONNECTED_ERROR = { code: "disconnected", message: "The connection dropped before the server answered." } as const;

export type TransportError = typeof TIMEOUT_ERROR | typeof DISCONNECTED_ERROR;

/**
 * What Parley's client logic needs of a connection, and no more: the outbox and the room
 * sync are written against this, so tests can drive them with a fake they flush by hand,
 * or with a real socket.io-client in Node.
 */
export interface ChatTransport {
  isConnected(): boolean;
  /**
   * Emits a request and resolves with its acknowledgement. No answer within `timeoutMs`
   * resolves as `{ ok: false, error: TIMEOUT_ERROR }`, a connection lost while waiting as
   * `DISCONNECTED_ERROR`, so callers handle one shape.
   */
  request<E extends RequestEvent>(
    event: E,
    payload: RequestPayload<E>,
    timeoutMs?: number,
  ): Promise<Ack<RequestData<E>> | { ok: false; error: TransportError }>;
  /** Sends a hint that needs no answer (typing), if connected; says whether it went. */
  notify<E extends NotifyEvent>(event: E, payload: Parameters<ClientToServerEvents[E]>[0]): boolean;
  subscribe<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): () => void;
  onConnect(listener: () => void): () => void;
  /** `byServer`: the server closed this connection (signed out elsewhere), rather than the network. */
  onDisconnect(listener: (cause: { byServer: boolean }) => void): () => void;
  /** A connection attempt failed; `code` is the server's refusal (`unauthorized`) when it gave one. */
  onConnectError(listener: (error: { code?: string; message?: string }) => void): () => void;
  /** Trying to connect again after a drop. */
  onReconnecting(listener: () => void): () => void;
}

export function socketTransport(socket: ParleyClientSocket): ChatTransport {
  return {
    isConnected: () => socket.connected,
    request(event, payload, timeoutMs = ACK_TIMEOUT_MS) {
      // socket.io-client's typings cannot follow a generic event name; the contract fixes the shape.
      const emit = socket.timeout(timeoutMs) as unknown as { emitWithAck(e: string, p: unknown): Promise<never> };
      const wasConnected = socket.connected;
      return new Promise((resolve) => {
        // An answer to a packet sent before a disconnect never comes: say so now rather
        // than at the timeout, so the caller can resend as soon as the connection is back.
        const onDisconnect = () => resolve({ ok: false, error: DISCONNECTED_ERROR });
        if (wasConnected) socket.once("disconnect", onDisconnect);
        emit
          .emitWithAck(event, payload)
          .then(resolve, () => resolve({ ok: false, error: TIMEOUT_ERROR }))
          .finally(() => socket.off("disconnect", onDisconnect));
      });
    },
    notify(event, payload) {
      if (!socket.connected) return false;
      // As for request: the contract fixes the payload's shape for the event.
      (socket as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
      return true;
    },
    subscribe(event, listener) {
      socket.on(event, listener as never);
      return () => socket.off(event, listener as never);
    },
    onConnect(listener) {
      socket.on("connect", listener);
      return () => socket.off("connect", listener);
    },
    onDisconnect(listener) {
      const heard = (reason: string) => listener({ byServer: reason === "io server disconnect" });
      socket.on("disconnect", heard);
      return () => socket.off("disconnect", heard);
    },
    onConnectError(listener) {
      const heard = (err: Error) => listener((err as Error & { data?: { code?: string; message?: string } }).data ?? {});
      socket.on("connect_error", heard);
      return () => socket.off("connect_error", heard);
    },
    onReconnecting(listener) {
      socket.io.on("reconnect_attempt", listener);
      return () => socket.io.off("reconnect_attempt", listener);
    },
  };
}
