import { messageHistorySchema, messageSendSchema } from "../contract/schemas";
import type { HandlerContext } from "./context";
import { roomChannel } from "./types";

/** Sending (ack after commit, broadcast once) and history pages. */
export function registerMessageHandlers({ socket, services, policy, ip, on, broadcast }: HandlerContext) {
  const { user } = socket.data;
  const inOrder = serialQueue();

  // One socket's sends are stored one after another, in the order they arrived, so a
  // sender's messages get sequence numbers in the order they were typed.
  on("message:send", messageSendSchema, (input) =>
    inOrder(async () => {
      await policy.beforeMessage(user, ip);
      // A socket in the room's channel was let in by room:join; revocation takes it out.
      const result = await services.messages.send(user, input, { joined: socket.rooms.has(roomChannel(input.roomId)) });
      // A duplicate was broadcast when first stored; clients that missed it catch up by seq.
      if (!result.duplicate) broadcast.message(result.message);
      return result;
    }),
  );

  on("message:history", messageHistorySchema, (input) =>
    services.messages.history(user, input, { joined: socket.rooms.has(roomChannel(input.roomId)) }),
  );
}

/** Runs tasks one at a time in call order; a failed task does not stop the ones after it. */
export function serialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
