import { messageHistorySchema, messageSendSchema } from "../contract/schemas";
import type { HandlerContext } from "./context";
import { roomChannel, type ParleySocket } from "./types";

/** Sending (ack after commit, broadcast once) and history pages. */
export function registerMessageHandlers({ services, policy, handlers, broadcast }: HandlerContext) {
  // One socket's sends are stored one after another, in the order they arrived, so a
  // sender's messages get sequence numbers in the order they were typed.
  const queues = new WeakMap<ParleySocket, ReturnType<typeof serialQueue>>();
  const inOrderOf = (socket: ParleySocket) => {
    let queue = queues.get(socket);
    if (!queue) queues.set(socket, (queue = serialQueue()));
    return queue;
  };

  handlers.on("message:send", messageSendSchema, (input, socket) =>
    inOrderOf(socket)(async () => {
      const { user, ip } = socket.data;
      await policy.beforeMessage(user, ip);
      // A socket in the room's channel was let in by room:join; revocation takes it out.
      const result = await services.messages.send(user, input, { joined: socket.rooms.has(roomChannel(input.roomId)) });
      // A duplicate was broadcast when first stored; clients that missed it catch up by seq.
      if (!result.duplicate) broadcast.message(result.message);
      return result;
    }),
  );

  handlers.on("message:history", messageHistorySchema, (input, socket) =>
    services.messages.history(socket.data.user, input, { joined: socket.rooms.has(roomChannel(input.roomId)) }),
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
