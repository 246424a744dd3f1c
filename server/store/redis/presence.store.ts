import type { RedisClientType } from "redis";
import { summaryOf, type UserSummary } from "../../contract/model";
import type { PresenceStore } from "../ports";
import type { Logger } from "../../logger";

export interface RedisPresenceOptions {
  /** How long a connection's entry lives without renewal: a dead node's users are gone after this. */
  ttlMs: number;
  /** How often this node renews its own connections' entries. */
  renewMs: number;
  /** How often this node looks for entries that expired (a dead node's) and takes them out. */
  sweepMs: number;
}

/**
 * A dead node's users leave every list at most ttl + sweep = 20 s after its last renewal
 * (docs/deploy.md). Renewals every 5 s ride out two missed rounds.
 */
export const DEFAULT_REDIS_PRESENCE: RedisPresenceOptions = { ttlMs: 15_000, renewMs: 5_000, sweepMs: 5_000 };

// Keys, per room, share a hash tag so that one room's keys live in one Redis Cluster slot:
//   {p}:presence:{room}:users        ZSET userId → arrival time (the list's order)
//   {p}:presence:{room}:info         HASH userId → the user's summary (JSON)
//   {p}:presence:{room}:conns:<user> ZSET connectionId → expiry time (ms)
//   {p}:presence:rooms               SET of rooms with anyone present (for the sweep)

/** Adds a connection into `added`: 1 when the user was not listed before. KEYS users, conns, info, rooms. */
const ADD_BODY = `
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('PEXPIREAT', KEYS[2], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[5])
redis.call('SADD', KEYS[4], ARGV[6])
local added = redis.call('ZADD', KEYS[1], 'NX', ARGV[4], ARGV[1])`;

/**
 * The listed users' summaries in arrival order into `listed`, from the users ZSET (KEYS[1])
 * and the info hash (the key expression given). HMGET a thousand at a time: Lua's unpack
 * takes a few thousand values at most, and a lobby may list more.
 */
const LIST_BODY = (info: string) => `
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local listed = {}
for i = 1, #ids, 1000 do
  local infos = redis.call('HMGET', ${info}, unpack(ids, i, math.min(i + 999, #ids)))
  for j = 1, #infos do
    if infos[j] then listed[#listed + 1] = infos[j] end
  end
end`;

/** Adds a connection: { added }. KEYS users, conns, info, rooms. */
const ADD = `${ADD_BODY}
return { added }`;

/** The list in one call. KEYS users, info. */
const LIST = `${LIST_BODY("KEYS[2]")}
return listed`;

/** Adds a connection and lists the room as it is then, in one call: { added, summaries }. KEYS as ADD. */
const ENTER = `${ADD_BODY}
${LIST_BODY("KEYS[3]")}
return { added, listed }`;

/**
 * Renews this node's connections in one room, many at a time; returns how many users were
 * listed again (Redis had lost them). KEYS users, info, rooms; ARGV now, expiry, room, the
 * conns key prefix, then (user, connection, user's summary) for each connection.
 */
const RENEW = `
local added = 0
for i = 5, #ARGV, 3 do
  local conns = ARGV[4] .. ARGV[i]
  redis.call('ZREMRANGEBYSCORE', conns, '-inf', ARGV[1])
  redis.call('ZADD', conns, ARGV[2], ARGV[i + 1])
  redis.call('PEXPIREAT', conns, ARGV[2])
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 2])
  added = added + redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[i])
end
redis.call('SADD', KEYS[3], ARGV[3])
return added`;

/** Connections renewed per script call: each call holds Redis for about a millisecond. */
const RENEW_BATCH = 500;

/** Removes a connection; returns 1 when it was the user's last one (the list changed). KEYS users, conns, info. */
const REMOVE = `
if redis.call('ZREM', KEYS[2], ARGV[2]) == 0 then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
redis.call('HDEL', KEYS[3], ARGV[1])
return redis.call('ZREM', KEYS[1], ARGV[1])`;

/**
 * Takes out the users of one room whose connections have all expired; returns how many.
 * Atomic, so of several nodes sweeping at once exactly one sees each removal (and announces
 * it). KEYS users, info, rooms; ARGV room, now, the conns key prefix.
 */
const SWEEP = `
local gone = 0
for _, uid in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local conns = ARGV[3] .. uid
  redis.call('ZREMRANGEBYSCORE', conns, '-inf', ARGV[2])
  if redis.call('ZCARD', conns) == 0 then
    redis.call('ZREM', KEYS[1], uid)
    redis.call('HDEL', KEYS[2], uid)
    gone = gone + 1
  end
end
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('SREM', KEYS[3], ARGV[1]) end
return gone`;

interface LocalEntry {
  roomId: string;
  user: UserSummary;
  connectionId: string;
}

/**
 * Presence shared by every node through Redis. Entries are per user, counted per
 * connection, as in one process; each connection's entry carries an expiry that its node
 * renews, so a node that dies (SIGKILL, a lost machine) stops renewing and its users drop
 * out of every list within ttl + sweep, announced by whichever node sweeps them.
 *
 * Presence is a hint, never a reason to refuse a join or lose a message: when Redis is
 * unreachable, calls log and answer as if nothing changed, and this node's own
 * connections are written again at the next renewal (also after a Redis restart, which
 * keeps nothing).
 */
export class RedisPresenceStore implements PresenceStore {
  private readonly local = new Map<string, LocalEntry>();
  private readonly listeners = new Set<(roomId: string) => void>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly options: RedisPresenceOptions;
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisClientType,
    private readonly deps: {
      log: Logger;
      keyPrefix?: string;
      options?: Partial<RedisPresenceOptions>;
    },
  ) {
    this.options = { ...DEFAULT_REDIS_PRESENCE, ...deps.options };
    this.prefix = `${deps.keyPrefix ?? "parley"}:presence`;
  }

  /** Hears each room whose list changed without a join or leave here (a sweep, a renewal after Redis lost it). */
  onChange(listener: (roomId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(roomId: string) {
    for (const listener of this.listeners) listener(roomId);
  }

  /** Starts renewing this node's entries and sweeping expired ones. */
  start(): this {
    const every = (ms: number, fn: () => Promise<void>) => {
      const t = setInterval(() => void fn().catch((err: unknown) => this.deps.log.warn({ err }, "presence upkeep failed")), ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.options.renewMs, () => this.renew());
    every(this.options.sweepMs, () => this.sweep());
    return this;
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
  }

  private keys(roomId: string) {
    const base = `${this.prefix}:{${roomId}}`;
    return { users: `${base}:users`, info: `${base}:info`, connsPrefix: `${base}:conns:`, rooms: `${this.prefix}:rooms` };
  }

  async add(roomId: string, user: UserSummary, connectionId: string): Promise<boolean> {
    return (await this.record(ADD, roomId, user, connectionId)).changed;
  }

  /** One round trip for a join: the add and the list after it (three before). */
  enter(roomId: string, user: UserSummary, connectionId: string): Promise<{ changed: boolean; online: UserSummary[] }> {
    return this.record(ENTER, roomId, user, connectionId);
  }

  /** Records a connection here and in Redis with ADD or ENTER; the list is ENTER's only. */
  private async record(script: string, roomId: string, user: UserSummary, connectionId: string): Promise<{ changed: boolean; online: UserSummary[] }> {
    const entry = { roomId, user: summaryOf(user), connectionId };
    this.local.set(`${roomId}\n${connectionId}`, entry);
    const k = this.keys(roomId);
    const now = Date.now();
    try {
      const [added, listed = []] = (await this.redis.eval(script, {
        keys: [k.users, k.connsPrefix + entry.user.id, k.info, k.rooms],
        arguments: [entry.user.id, entry.connectionId, String(now + this.options.ttlMs), String(now), JSON.stringify(entry.user), entry.roomId],
      })) as [number, string[]?];
      return { changed: added === 1, online: listed.map((json) => JSON.parse(json) as UserSummary) };
    } catch (err) {
      this.deps.log.warn({ err, roomId }, "presence: Redis unreachable; this connection is listed at the next renewal");
      return { changed: false, online: this.listedHere(roomId) };
    }
  }

  async remove(roomId: string, userId: string, connectionId: string): Promise<boolean> {
    if (!this.local.delete(`${roomId}\n${connectionId}`)) return false;
    const k = this.keys(roomId);
    try {
      const removed = await this.redis.eval(REMOVE, {
        keys: [k.users, k.connsPrefix + userId, k.info],
        arguments: [userId, connectionId, String(Date.now())],
      });
      return removed === 1;
    } catch (err) {
      this.deps.log.warn({ err, roomId }, "presence: Redis unreachable; this connection's entry expires on its own");
      return false;
    }
  }

  async list(roomId: string): Promise<UserSummary[]> {
    const k = this.keys(roomId);
    try {
      const listed = (await this.redis.eval(LIST, { keys: [k.users, k.info] })) as string[];
      return listed.map((json) => JSON.parse(json) as UserSummary);
    } catch (err) {
      this.deps.log.warn({ err, roomId }, "presence: Redis unreachable; listing this node's connections only");
      return this.listedHere(roomId);
    }
  }

  /** This node's own connections in the room: the list while Redis is unreachable. */
  private listedHere(roomId: string): UserSummary[] {
    const seen = new Map<string, UserSummary>();
    for (const e of this.local.values()) if (e.roomId === roomId) seen.set(e.user.id, e.user);
    return [...seen.values()];
  }

  /**
   * Pushes this node's connections' expiry forward; re-lists any that Redis lost. One script
   * call per room and 500 connections, all sent at once (node-redis pipelines them): one
   * call per connection, awaited in turn, cost a node with 19,500 idle connections 0.6 of a
   * core and most of the renewal period (docs/performance.md, run AC).
   */
  async renew(): Promise<void> {
    const now = Date.now();
    const byRoom = new Map<string, LocalEntry[]>();
    for (const entry of this.local.values()) {
      const list = byRoom.get(entry.roomId);
      if (list) list.push(entry);
      else byRoom.set(entry.roomId, [entry]);
    }
    const expiry = String(now + this.options.ttlMs);
    const calls: Array<Promise<string | undefined>> = [];
    for (const [roomId, entries] of byRoom) {
      const k = this.keys(roomId);
      for (let i = 0; i < entries.length; i += RENEW_BATCH) {
        const args = [String(now), expiry, roomId, k.connsPrefix];
        for (const e of entries.slice(i, i + RENEW_BATCH)) args.push(e.user.id, e.connectionId, JSON.stringify(e.user));
        calls.push(this.redis.eval(RENEW, { keys: [k.users, k.info, k.rooms], arguments: args }).then((added) => (Number(added) > 0 ? roomId : undefined)));
      }
    }
    const changed = new Set((await Promise.all(calls)).filter((r): r is string => r !== undefined));
    for (const roomId of changed) this.changed(roomId);
  }

  /** Takes out users whose every connection expired; announces the rooms this node changed. */
  async sweep(): Promise<void> {
    const now = String(Date.now());
    const rooms = await this.redis.sMembers(`${this.prefix}:rooms`);
    for (const roomId of rooms) {
      const k = this.keys(roomId);
      const gone = await this.redis.eval(SWEEP, { keys: [k.users, k.info, k.rooms], arguments: [roomId, now, k.connsPrefix] });
      if (Number(gone) > 0) this.changed(roomId);
    }
  }
}
