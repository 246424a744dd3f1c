import type { Logger } from "./logger";

/** What the policy needs of the process: `process` itself, or a stand-in in tests. */
export interface GuardedProcess {
  on(event: "unhandledRejection", listener: (reason: unknown) => void): unknown;
  on(event: "uncaughtException", listener: (err: Error) => void): unknown;
}

export interface ProcessGuardOptions {
  log: Logger;
  /** Counts a rejection nobody handled (`parley_unhandled_rejections_total`). */
  countRejection(): void;
  /**
   * The graceful stop (the drain the signals run), ending the process with status 1; called
   * again while a stop is under way (a signal's or this one's), it only makes the status 1.
   */
  shutdown(reason: string): void;
}

/**
 * The server process's policy for errors nothing caught (Node's default ends the process on
 * either, with a stack on stderr and nothing in the JSON log):
 *
 * - **A rejected promise nobody handled** is logged with its reason and counted, and the node
 *   goes on. Such a promise is a side effect that failed with nobody waiting for it (a Redis
 *   command during a blip, a push request): the request that started it has been answered,
 *   and ending the process would cut every connection of the node over it. Each one is a
 *   defect to fix: the counter's alert (deploy.md) says when one happens.
 * - **An exception nothing caught** left a call stack half-run, so the process's state can no
 *   longer be trusted: it is logged, and the node stops as on SIGTERM (its clients told to
 *   reconnect, to another node behind a load balancer, where they catch up by seq), then
 *   exits with status 1 for its supervisor to restart it; `shutdown` bounds the wait. One
 *   while stopping is logged too, and the stop under way ends with status 1.
 */
export function guardProcess(proc: GuardedProcess, options: ProcessGuardOptions): void {
  const { log } = options;
  proc.on("unhandledRejection", (reason) => {
    options.countRejection();
    log.error({ err: reason }, "a rejected promise nobody handled: logged, the node goes on");
  });
  proc.on("uncaughtException", (err) => {
    log.error({ err }, "an exception nothing caught: the node stops");
    options.shutdown("uncaught exception");
  });
}
