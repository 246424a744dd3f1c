import { messageSearchSchema } from "../../contract/schemas";
import { DomainError } from "../../domain/errors";
import { secondsSince } from "../../metrics/metrics";
import { capability, request, type HubContext } from "./capability";

/** Users with a search under way, per hub (this node). */
const searching = new WeakMap<HubContext, Set<string>>();

/** Search: messages in the rooms the user may read, newest first, one search at a time per user. */
export const searchCapability = capability({
  requests: {
    "message:search": request(messageSearchSchema, async (hub, session, input) => {
      const { user, ip } = session.conn;
      let busy = searching.get(hub);
      if (!busy) searching.set(hub, (busy = new Set()));
      // One search at a time per user on this node: a loop of searches waits for each answer.
      if (busy.has(user.id)) throw new DomainError("rate_limited", "One search at a time: wait for the last one's results.");
      busy.add(user.id);
      try {
        await hub.policy.beforeSearch(user, ip);
        const start = performance.now();
        const found = await hub.services.search.search(user, input);
        hub.metrics.searchSeconds.observe(secondsSince(start));
        return found;
      } finally {
        busy.delete(user.id);
      }
    }),
  },
});
