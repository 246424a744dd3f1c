import type { MessageRepository } from "../store/ports";
import { secondsSince, type ParleyMetrics } from "./metrics";

/**
 * The message store, counted: every append's time and every message and change stored,
 * whichever engine is under it and whoever wrote (a transport, a moderator's removal, the
 * command line's server). A resend that stored nothing is not counted; a failed append is
 * not timed.
 */
export function meteredMessages(inner: MessageRepository, metrics: ParleyMetrics): MessageRepository {
  return {
    append(message) {
      const start = performance.now();
      return inner.append(message).then((result) => {
        metrics.appendSeconds.observe(secondsSince(start));
        if (!result.duplicate) metrics.messagesStored.inc();
        return result;
      });
    },
    applyChange(change) {
      return inner.applyChange(change).then((result) => {
        if (result && !result.duplicate) metrics.changesStored.inc();
        return result;
      });
    },
    pageBefore: (roomId, before, limit) => inner.pageBefore(roomId, before, limit),
    pageAfter: (roomId, after, limit) => inner.pageAfter(roomId, after, limit),
    findMessage: (messageId) => inner.findMessage(messageId),
    changesAfter: (roomId, after, limit) => inner.changesAfter(roomId, after, limit),
    changeCursor: (roomId) => inner.changeCursor(roomId),
    joinPage: (roomId, after, limit) => inner.joinPage(roomId, after, limit),
    changedSince: (roomId, after, limit) => inner.changedSince(roomId, after, limit),
  };
}
