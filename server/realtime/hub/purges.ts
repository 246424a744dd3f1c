import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { MessageChange } from "../../contract/model";
import type { HubContext } from "./capability";

export interface PurgeRunner {
  /** A task was filed here: look now rather than at the next tick. */
  poke(): void;
  /** Stops taking batches; resolves when the one under way is stored (its task resumes later, here or elsewhere). */
  stop(): Promise<void>;
}

/**
 * Runs removal tasks (`PurgeService.work`) on this node: at start (a task left by a restart
 * resumes), every `everyMs` (a task filed on another node, or by the command line, or one a
 * dead node held), and at once when one is filed here. One task at a time per node; the
 * lease keeps two nodes off the same one. Each removal is published as the moderator's
 * delete change is, right after its commit, so every node's clients see the tombstone and a
 * client that was away catches it up.
 */
export function startPurges(hub: HubContext, options: { everyMs?: number; owner?: string } = {}): PurgeRunner {
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let stopping = false;
  let again = false;
  let running: Promise<void> | null = null;
  const publish = (change: MessageChange) => {
    hub.publish({ type: "message.changed", roomId: change.roomId, change });
    return hub.changed(change);
  };
  const loop = async () => {
    do {
      again = false;
      while (!stopping && (await hub.services.purges.work(owner, publish, { stop: () => stopping })));
    } while (again && !stopping);
  };
  const run = () => {
    if (stopping) return;
    if (running) {
      again = true;
      return;
    }
    running = loop()
      .catch((err: unknown) => hub.log.warn({ err }, "message removal task failed; it resumes at the next tick"))
      .finally(() => (running = null));
  };
  const timer = setInterval(run, options.everyMs ?? 10_000);
  timer.unref();
  setImmediate(run);
  return {
    poke: run,
    stop: async () => {
      stopping = true;
      clearInterval(timer);
      await running;
    },
  };
}
