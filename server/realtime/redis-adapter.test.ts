import { randomUUID } from "node:crypto";
import { createClient, type RedisClientType } from "redis";
import { describe, expect, it, vi } from "vitest";
import type { Logger } from "../logger";
import { TEST_REDIS_URL } from "../test/databases";
import { redisReachable } from "../test/redis-process";
import { boundRecovery, guardAdapterClient } from "./redis-adapter";

/**
 * The adapter's commands that nobody awaits must not end the process when Redis resets the
 * connection mid-command: each rejection is logged. (Unguarded, these cases fail the run:
 * Vitest reports the unhandled rejection.)
 */
const reset = (..._args: unknown[]) => Promise.reject(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }));

/** A client and its Pub/Sub copy whose commands all fail; `spies` are the originals (the guard replaces them). */
function fakeClient() {
  const spies = { set: vi.fn(reset), publish: vi.fn(reset), subscribe: vi.fn(reset), sSubscribe: vi.fn(reset) };
  const copy = { subscribe: spies.subscribe, sSubscribe: spies.sSubscribe, on: vi.fn() };
  const client = { set: spies.set, publish: spies.publish, duplicate: vi.fn(() => copy) };
  return { client, spies };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe("the Redis adapter's connection", () => {
  it("an unawaited SET or PUBLISH that fails is logged, not left unhandled; whoever awaits still hears the failure", async () => {
    const { client, spies } = fakeClient();
    const warn = vi.fn();
    const guarded = guardAdapterClient(client as unknown as RedisClientType, { warn } as unknown as Logger) as unknown as typeof client;
    void guarded.set("k", "v");
    void guarded.publish("channel", "payload");
    await settle();
    expect(warn.mock.calls.map(([context, text]) => [(context as { command: string }).command, text])).toEqual([
      ["set", "Redis adapter command failed"],
      ["publish", "Redis adapter command failed"],
    ]);
    await expect(guarded.publish("channel", "payload")).rejects.toThrow("ECONNRESET");
    expect(spies.publish).toHaveBeenCalledTimes(2);
  });

  it("the Pub/Sub copy's SUBSCRIBE that fails is logged too", async () => {
    const { client, spies } = fakeClient();
    const warn = vi.fn();
    const guarded = guardAdapterClient(client as unknown as RedisClientType, { warn } as unknown as Logger) as unknown as typeof client;
    const made = guarded.duplicate() as unknown as Record<"subscribe" | "sSubscribe", (...args: unknown[]) => Promise<unknown>>;
    void made.subscribe(["a", "b"], () => undefined);
    void made.sSubscribe("a", () => undefined);
    await settle();
    expect(warn.mock.calls.map(([context]) => (context as { command: string }).command)).toEqual(["subscribe", "sSubscribe"]);
    expect(spies.subscribe).toHaveBeenCalledWith(["a", "b"], expect.any(Function));
  });
});

const redisUp = await redisReachable(TEST_REDIS_URL);

describe.skipIf(!redisUp)("a session's recovery, bounded (skipped without Redis)", () => {
  it("recovers a session a few entries behind the stream's end, and refuses one further behind before the adapter reads them", async () => {
    const client = createClient({ url: TEST_REDIS_URL }) as RedisClientType;
    await client.connect();
    const stream = `parley-test-${randomUUID().slice(0, 8)}:socket.io`;
    try {
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push(await client.xAdd(stream, "*", { n: String(i) }));
      const restore = vi.fn(async (_pid: string, _offset: string) => ({ sid: "s1" }));
      const adapter = { restoreSession: restore };
      boundRecovery(adapter, client, stream, 5);
      // 4 entries after ids[5]: recovered by the adapter.
      await expect(adapter.restoreSession("p1", ids[5]!)).resolves.toEqual({ sid: "s1" });
      expect(restore).toHaveBeenCalledWith("p1", ids[5]);
      // Exactly 5 after ids[4]: still recovered.
      await expect(adapter.restoreSession("p2", ids[4]!)).resolves.toEqual({ sid: "s1" });
      // 8 after ids[1]: refused, and the adapter's full read never runs.
      await expect(adapter.restoreSession("p3", ids[1]!)).rejects.toThrow(/more than 5 entries behind/);
      expect(restore).toHaveBeenCalledTimes(2);
      // An offset that is not a stream id goes to the adapter, which refuses it itself.
      await adapter.restoreSession("p4", "nonsense");
      expect(restore).toHaveBeenLastCalledWith("p4", "nonsense");
    } finally {
      await client.del(stream);
      await client.quit();
    }
  });
});
