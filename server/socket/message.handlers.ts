import { messageHistorySchema, messageSendSchema } from "../contract/schemas";
import type { Logger } from "../logger";
import type { Services } from "../services";
import { roomChannel, type ParleyServer, type ParleySocket } from "./types";
import { on } from "./validate";

/** Sending (ack after commit, broadcast once) and history pages. */
export function registerMessageHandlers(io: ParleyServer, socket: ParleySocket, services: Services, log: Logger) {
  const { user } = socket.data;

  on(socket, log, "message:send", messageSendSchema, async (input) => {
    const result = await services.messages.send(user, input);
    // A duplicate was broadcast when it was first stored; clients that missed it catch up by seq.
    if (!result.duplicate) io.to(roomChannel(result.message.roomId)).emit("message:created", result.message);
    return result;
  });

  on(socket, log, "message:history", messageHistorySchema, (input) => services.messages.history(input));
}
