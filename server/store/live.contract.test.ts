import { randomUUID } from "node:crypto";
import { createClient, type RedisClientType } from "redis";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../logger";
import { TEST_REDIS_URL } from "../test/databases";
import { redisReachable } from "../test/redis-process";
import { MemoryPresenceStore } from "./memory/presence.store";
import { MemoryTypingStore } from "./memory/typing.store";
import type { PresenceStore, TypingStore } from "./ports";
import { RedisPresenceStore } from "./redis/presence.store";
import { RedisTypingStore } from "./redis/typing.store";

/**
 * The live ports' contract (presence, typing), run over every implementation by name: in
 * process (one node) and on Redis (several nodes; their cross-node behaviour has its own
 * tests in redis/presence.store.test.ts).
 */
const redisUp = await redisReachable(TEST_REDIS_URL);
if (!redisUp) {
  const message = `Redis is not reachable at ${TEST_REDIS_URL}: the live stores' contract runs on memory only.`;
  if (process.env.PARLEY_REQUIRE_SERVICES === "1") throw new Error(`${message} PARLEY_REQUIRE_SERVICES=1 requires it.`);
  console.warn(message);
}

const log = createLogger("silent");
const clients: RedisClientType[] = [];
const stopped: Array<() => void> = [];
afterAll(async () => {
  for (const stop of stopped) stop();
  for (const c of clients) await c.quit().catch(() => undefined);
});

async function redis(): Promise<RedisClientType> {
  const c = createClient({ url: TEST_REDIS_URL, disableOfflineQueue: true }) as RedisClientType;
  c.on("error", () => undefined);
  await c.connect();
  clients.push(c);
  return c;
}

type Make<T> = (ttlMs: number) => Promise<T>;
const presences: Array<[string, Make<PresenceStore>]> = [
  ["memory", async () => new MemoryPresenceStore()],
  ...(redisUp
    ? [
        [
          "Redis",
          async () => {
            const store = new RedisPresenceStore(await redis(), { log, keyPrefix: `parley-test-${randomUUID().slice(0, 8)}` }).start();
            stopped.push(() => store.stop());
            return store;
          },
        ] as [string, Make<PresenceStore>],
      ]
    : []),
];
const typings: Array<[string, Make<TypingStore>]> = [
  ["memory", async (ttlMs) => new MemoryTypingStore(ttlMs)],
  ...(redisUp ? [["Redis", async (ttlMs: number) => new RedisTypingStore(await redis(), log, `parley-test-${randomUUID().slice(0, 8)}`, ttlMs)] as [string, Make<TypingStore>]] : []),
];

const ada = { id: "u1", name: "Ada" };
const bob = { id: "u2", name: "Bob" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(presences)("presence: %s", (_name, make) => {
  it("lists a user with several connections once, in arrival order, until the last one leaves", async () => {
    const p = await make(0);
    expect(await p.add("r1", ada, "tab1")).toBe(true);
    expect(await p.add("r1", ada, "tab2")).toBe(false);
    expect(await p.add("r1", bob, "tab3")).toBe(true);
    expect(await p.list("r1")).toEqual([ada, bob]);
    expect(await p.remove("r1", ada.id, "tab1")).toBe(false);
    expect(await p.list("r1")).toEqual([ada, bob]);
    expect(await p.remove("r1", ada.id, "tab2")).toBe(true);
    expect(await p.list("r1")).toEqual([bob]);
  });

  it("enters in one step: whether the list changed, and the list right after, the newcomer included", async () => {
    const p = await make(0);
    expect(await p.enter("r1", ada, "tab1")).toEqual({ changed: true, online: [ada] });
    expect(await p.enter("r1", bob, "tab2")).toEqual({ changed: true, online: [ada, bob] });
    // A second tab changes nothing but still answers with the list; a new summary replaces the old.
    const renamed = { ...ada, name: "Ada L." };
    expect(await p.enter("r1", renamed, "tab3")).toEqual({ changed: false, online: [renamed, bob] });
    expect(await p.list("r1")).toEqual([renamed, bob]);
    expect(await p.remove("r1", ada.id, "tab1")).toBe(false);
    expect(await p.remove("r1", ada.id, "tab3")).toBe(true);
    expect(await p.enter("r2", bob, "tab2")).toEqual({ changed: true, online: [bob] });
  });

  it("lists a room of thousands whole and in arrival order, by enter and by list", async () => {
    const p = await make(0);
    // More than the Redis script reads at a time (1,000), more than Lua's unpack takes at once.
    // Ids that sort as they arrive: Redis orders arrivals in the same millisecond by id.
    const crowd = Array.from({ length: 9_000 }, (_, i) => ({ id: `u${String(i).padStart(5, "0")}`, name: `Person ${i}` }));
    await Promise.all(crowd.map((user, i) => p.add("lobby", user, `c${i}`)));
    expect(await p.list("lobby")).toEqual(crowd);
    const last = { id: "u99999", name: "Last" };
    expect(await p.enter("lobby", last, "c-last")).toEqual({ changed: true, online: [...crowd, last] });
    expect((await p.enter("lobby", crowd[0]!, "again")).online).toEqual([...crowd, last]);
  });

  it("keeps rooms apart and ignores unknown removals", async () => {
    const p = await make(0);
    await p.add("r1", ada, "c1");
    await p.add("r2", ada, "c1");
    expect(await p.remove("r1", ada.id, "other")).toBe(false);
    expect(await p.remove("r3", ada.id, "c1")).toBe(false);
    expect(await p.remove("r1", ada.id, "c1")).toBe(true);
    expect(await p.remove("r1", ada.id, "c1")).toBe(false);
    expect(await p.list("r1")).toEqual([]);
    expect(await p.list("r2")).toEqual([ada]);
  });
});

describe.each(typings)("typing: %s", (_name, make) => {
  it("lists typers per room until they stop; an unknown room is empty", async () => {
    // A TTL no test run comes near: only `stop` ends these.
    const t = await make(60_000);
    await t.start("r1", ada);
    await t.start("r1", bob);
    await t.start("r2", bob);
    expect(await t.list("r1")).toEqual(expect.arrayContaining([ada, bob]));
    expect(await t.list("r1")).toHaveLength(2);
    await t.stop("r1", bob.id);
    expect(await t.list("r1")).toEqual([ada]);
    expect(await t.list("r2")).toEqual([bob]);
    await t.stop("r3", ada.id);
    expect(await t.list("r3")).toEqual([]);
  });

  it("forgets a typer once the TTL has passed without a repeat", async () => {
    const t = await make(200);
    await t.start("r1", ada);
    // However slow the machine, at least the TTL has passed after this.
    await sleep(400);
    expect(await t.list("r1")).toEqual([]);
  });
});
