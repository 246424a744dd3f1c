import { randomUUID } from "node:crypto";
import { createClient, type RedisClientType } from "redis";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../logger";
import { TEST_REDIS_URL } from "../../test/databases";
import { redisReachable } from "../../test/redis-process";
import { RedisPresenceStore } from "./presence.store";
import { RedisTypingStore } from "./typing.store";

const redisUp = await redisReachable(TEST_REDIS_URL);
if (!redisUp) {
  const message = `Redis is not reachable at ${TEST_REDIS_URL}: the Redis store tests are skipped.`;
  if (process.env.PARLEY_REQUIRE_SERVICES === "1") throw new Error(`${message} PARLEY_REQUIRE_SERVICES=1 requires it.`);
  console.warn(message);
}

const ada = { id: "u1", name: "Ada" };
const bob = { id: "u2", name: "Bob" };
const log = createLogger("silent");
const clients: RedisClientType[] = [];
const stores: RedisPresenceStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) s.stop();
  for (const c of clients.splice(0)) await c.quit().catch(() => undefined);
});

async function client(): Promise<RedisClientType> {
  const c = createClient({ url: TEST_REDIS_URL, disableOfflineQueue: true }) as RedisClientType;
  c.on("error", () => undefined);
  await c.connect();
  clients.push(c);
  return c;
}

/** Two nodes' stores on one Redis, under a prefix of this test's own. */
async function twoNodes(options = { ttlMs: 300, renewMs: 100, sweepMs: 100 }) {
  const keyPrefix = `parley-test-${randomUUID().slice(0, 8)}`;
  const changes: string[][] = [[], []];
  const make = async (i: number) => {
    const store = new RedisPresenceStore(await client(), { log, keyPrefix, options });
    store.onChange((roomId) => changes[i]!.push(roomId));
    stores.push(store);
    return store;
  };
  return { a: await make(0), b: await make(1), changes, keyPrefix };
}

describe.skipIf(!redisUp)("RedisPresenceStore", () => {
  it("lists a user with connections on two nodes once, in arrival order, until the last one leaves", async () => {
    const { a, b } = await twoNodes();
    expect(await a.add("r1", ada, "tab1")).toBe(true);
    expect(await b.add("r1", bob, "tab2")).toBe(true);
    expect(await b.add("r1", ada, "tab3")).toBe(false);
    expect(await a.list("r1")).toEqual([ada, bob]);
    expect(await b.list("r1")).toEqual([ada, bob]);
    expect(await a.remove("r1", ada.id, "tab1")).toBe(false);
    expect(await b.list("r1")).toEqual([ada, bob]);
    expect(await b.remove("r1", ada.id, "tab3")).toBe(true);
    expect(await a.list("r1")).toEqual([bob]);
    // Removing what was never added (or twice) changes nothing.
    expect(await b.remove("r1", ada.id, "tab3")).toBe(false);
    expect(await a.remove("r2", bob.id, "tab2")).toBe(false);
  });

  it("a node that stops renewing (dead) loses its users at the next sweep after the TTL, announced once", async () => {
    const { a, b, changes } = await twoNodes();
    a.start();
    b.start();
    await a.add("r1", ada, "c1");
    await b.add("r1", bob, "c2");
    await b.add("r1", ada, "c3"); // Ada also has a tab on the surviving node
    a.stop(); // node A dies: its entries are no longer renewed
    await new Promise((r) => setTimeout(r, 700));
    expect(await b.list("r1")).toEqual([ada, bob]); // Ada stays, through node B's tab
    expect(changes[1]).not.toContain("r1");

    const { a: dying, b: survivor, changes: seen } = await twoNodes();
    dying.start();
    survivor.start();
    await dying.add("r2", ada, "c4");
    await survivor.add("r2", bob, "c5");
    dying.stop();
    const since = Date.now();
    while ((await survivor.list("r2")).length > 1) {
      if (Date.now() - since > 3000) throw new Error("the dead node's user was never swept");
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(Date.now() - since).toBeLessThan(300 + 100 + 300);
    expect(await survivor.list("r2")).toEqual([bob]);
    await new Promise((r) => setTimeout(r, 300));
    // Exactly one announcement of the change, by the node that swept it.
    expect(seen[1]!.filter((r) => r === "r2")).toHaveLength(1);
  });

  it("after Redis forgets everything (a restart), each node lists its own connections again at the next renewal", async () => {
    const { a, b, changes, keyPrefix } = await twoNodes();
    await a.add("r1", ada, "c1");
    await b.add("r1", bob, "c2");
    const admin = await client();
    const keys = await admin.keys(`${keyPrefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await admin.del(keys);
    expect(await a.list("r1")).toEqual([]);
    await a.renew();
    await b.renew();
    expect((await a.list("r1")).map((u) => u.id).sort()).toEqual([ada.id, bob.id]);
    expect(changes[0]).toContain("r1");
  });

  it("renews many connections in batches: every connection's expiry moves forward, and what Redis lost is listed again, announced once per room", async () => {
    const { a, changes, keyPrefix } = await twoNodes({ ttlMs: 60_000, renewMs: 60_000, sweepMs: 60_000 });
    // 1,200 connections of 600 users in one room (more than one script call's batch of 500), 5 in another.
    const users = Array.from({ length: 600 }, (_, i) => ({ id: `u${i}`, name: `User ${i}` }));
    await Promise.all(users.flatMap((u) => [a.add("big", u, `${u.id}-tab1`), a.add("big", u, `${u.id}-tab2`)]));
    await Promise.all(users.slice(0, 5).map((u) => a.add("small", u, `${u.id}-tab3`)));
    const admin = await client();
    const expiries = async () =>
      Promise.all([
        ...users.flatMap((u) => [`${u.id}-tab1`, `${u.id}-tab2`].map((c) => admin.zScore(`${keyPrefix}:presence:{big}:conns:${u.id}`, c))),
        ...users.slice(0, 5).map((u) => admin.zScore(`${keyPrefix}:presence:{small}:conns:${u.id}`, `${u.id}-tab3`)),
      ]);
    const before = await expiries();
    expect(before.every((e) => e !== null)).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    await a.renew();
    const after = await expiries();
    expect(after.every((e, i) => e !== null && e > before[i]!)).toBe(true);
    expect(changes[0]).toEqual([]); // nothing was lost: no room changed

    await admin.del(await admin.keys(`${keyPrefix}:*`));
    await a.renew();
    expect((await a.list("big")).map((u) => u.id).sort()).toEqual(users.map((u) => u.id).sort());
    expect(await a.list("small")).toEqual(users.slice(0, 5));
    expect(changes[0]!.sort()).toEqual(["big", "small"]);
  });

  it("answers without Redis: a join is not refused, the list falls back to this node's own connections", async () => {
    const c = createClient({ url: "redis://127.0.0.1:1", disableOfflineQueue: true, socket: { reconnectStrategy: false } }) as RedisClientType;
    c.on("error", () => undefined);
    const store = new RedisPresenceStore(c, { log });
    expect(await store.add("r1", ada, "c1")).toBe(false);
    expect(await store.list("r1")).toEqual([ada]);
    expect(await store.remove("r1", ada.id, "c1")).toBe(false);
    expect(await store.list("r1")).toEqual([]);
  });
});

describe.skipIf(!redisUp)("RedisTypingStore", () => {
  it("keeps who is typing per room for the TTL, shared between nodes, ended by stop", async () => {
    const prefix = `parley-test-${randomUUID().slice(0, 8)}`;
    const a = new RedisTypingStore(await client(), log, prefix, 200);
    const b = new RedisTypingStore(await client(), log, prefix, 200);
    await a.start("r1", ada);
    await a.start("r1", bob);
    expect(await b.list("r1")).toEqual(expect.arrayContaining([ada, bob]));
    await b.stop("r1", bob.id);
    expect(await a.list("r1")).toEqual([ada]);
    await new Promise((r) => setTimeout(r, 250));
    expect(await b.list("r1")).toEqual([]);
    expect(await b.list("r2")).toEqual([]);
  });
});
