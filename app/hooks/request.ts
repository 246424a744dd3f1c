import type { ClientToServerEvents } from "@/server/contract/events";
import type { Ack } from "@/server/contract/errors";
import { ACK_TIMEOUT_MS, type ParleyClientSocket } from "@/app/lib/socket";

type AckData<E extends keyof ClientToServerEvents> =
  Parameters<ClientToServerEvents[E]> extends [unknown, (ack: Ack<infer T>) => void] ? T : never;

/**
 * Emits a request and resolves with its acknowledgement; a missing answer within
 * ACK_TIMEOUT_MS resolves as an error too, so callers handle exactly one shape.
 *
 * @example
 * const ack = await request(socket, "room:list", {});
 * if (ack.ok) setRooms(ack.data.rooms);
 */
export async function request<E extends keyof ClientToServerEvents>(
  socket: ParleyClientSocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
): Promise<Ack<AckData<E>>> {
  try {
    // socket.io-client's typings cannot follow a generic event name; the contract fixes the shape.
    const emit = socket.timeout(ACK_TIMEOUT_MS).emitWithAck as unknown as (
      e: E,
      p: typeof payload,
    ) => Promise<Ack<AckData<E>>>;
    return await emit.call(socket.timeout(ACK_TIMEOUT_MS), event, payload);
  } catch {
    return { ok: false, error: { code: "internal", message: "The server did not answer in time." } };
  }
}
