import { describe, expect, it } from "vitest";
import { WorkerThread } from "./worker-thread";

/** A thread that echoes `{ id }` back, or exits when asked to (`die`). */
const ECHO = new URL(
  `data:text/javascript,${encodeURIComponent(`
    import { parentPort } from "node:worker_threads";
    parentPort.on("message", (m) => { if (m.die) process.exit(3); else parentPort.postMessage({ id: m.id, echo: m.echo }); });
  `)}`,
);

type Waiting = { resolve: (v: string) => void; reject: (e: Error) => void };

function echoThread() {
  let failed = 0;
  const thread: WorkerThread<Waiting> = new WorkerThread<Waiting>(
    ECHO,
    null,
    "the echo thread",
    (data) => {
      const reply = data as { id: number; echo: string };
      thread.take(reply.id)?.resolve(reply.echo);
    },
    () => failed++,
  );
  const ask = (echo: string, die = false) => new Promise<string>((resolve, reject) => thread.post({ id: thread.wait({ resolve, reject }), echo, die }));
  return { thread, ask, failures: () => failed };
}

describe("WorkerThread", () => {
  it("answers requests by id, from a thread started on first use", async () => {
    const { thread, ask } = echoThread();
    expect(await Promise.all([ask("a"), ask("b"), ask("c")])).toEqual(["a", "b", "c"]);
    thread.close(new Error("done"));
  });

  it("a thread that dies fails what it held, says so, and the next request starts another", async () => {
    const { thread, ask, failures } = echoThread();
    expect(await ask("before")).toBe("before");
    await expect(ask("boom", true)).rejects.toThrow(/the echo thread stopped \(exit code 3\)/);
    expect(failures()).toBe(1);
    expect(await ask("after")).toBe("after");
    thread.close(new Error("done"));
  });

  it("closed, it fails what waits and refuses what comes", async () => {
    const { thread, ask } = echoThread();
    const waiting = new Promise<string>((resolve, reject) => void thread.wait({ resolve, reject }));
    thread.close(new Error("the store is closed"));
    await expect(waiting).rejects.toThrow("the store is closed");
    expect(thread.closed?.message).toBe("the store is closed");
    await expect(ask("late")).rejects.toThrow("the store is closed");
    expect(thread.take(12345)).toBeUndefined();
  });
});
