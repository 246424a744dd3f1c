/**
 * Socket.IO between nodes: the Redis Streams adapter, made safe for Redis going away.
 *
 * The adapter keeps its own Redis connection with node-redis's offline queue, so that a
 * broadcast made while Redis restarts is sent when it is back. It fires commands that nobody
 * awaits: on its connection, the SET that stores a disconnected socket's recoverable state and
 * the PUBLISH of its replies to other nodes; on the copy it makes for Pub/Sub, the SUBSCRIBE
 * to its channels (sent at start, and again by node-redis after a reconnection). When the
 * connection resets while one of them is in flight, its rejection would go unhandled and end
 * the process (a CI run saw it: Redis stopped just after two nodes started); here it is
 * logged (the socket then rejoins and catches up by seq). Its broadcasts and room changes
 * catch their own failures (socket.io-adapter's ClusterAdapter), delivering locally either way.
 */
import { createAdapter } from "@socket.io/redis-streams-adapter";
import type { RedisClientType } from "redis";
import type { RelayedRoomCall } from "../contract/events";
import type { Logger } from "../logger";

type Methods = Record<string, unknown>;

/** Each of `names` on `client` still answers whoever awaits it; a rejection nobody handles is logged. */
function logRejections(client: Methods, names: readonly string[], log: Logger): void {
  for (const name of names) {
    const method = client[name];
    if (typeof method !== "function") continue;
    client[name] = (...args: unknown[]) => {
      const reply: unknown = method.apply(client, args);
      if (reply instanceof Promise) reply.catch((err: unknown) => log.warn({ err, command: name }, "Redis adapter command failed"));
      return reply;
    };
  }
}

/**
 * The adapter's unawaited commands logged instead of left unhandled: SET and PUBLISH on
 * `client`, SUBSCRIBE on every copy the adapter makes of it (`duplicate`).
 */
export function guardAdapterClient(client: RedisClientType, log: Logger): RedisClientType {
  const methods = client as unknown as Methods;
  logRejections(methods, ["set", "publish"], log);
  const duplicate = (methods.duplicate as (...args: unknown[]) => Methods).bind(client);
  methods.duplicate = (...args: unknown[]) => {
    const copy = duplicate(...args);
    logRejections(copy, ["subscribe", "sSubscribe"], log);
    return copy;
  };
  return client;
}

/**
 * How far behind the stream's end a session may be and still be recovered. The adapter's
 * recovery reads every entry after the session's offset, for each client: after a node's
 * restart, 19,500 clients each read a tail that their own reconnections kept growing
 * (presence changes), and none of them had connected after three minutes
 * (docs/performance.md, run AC). A session further behind connects as a new one and rejoins,
 * catching up by seq like any rejoin: nothing is lost, one round trip more.
 */
export const RECOVERY_MAX_ENTRIES = 500;

type Restorable = { restoreSession(pid: string, offset: string): Promise<unknown> };

/**
 * Counts, in Redis, the entries after an offset, up to a limit (Redis 6.2's exclusive start):
 * only the count crosses the network, not the up to 501 entries themselves (a busy stream's
 * entries carry whole presence lists). In the 5,000-client storm it changed the rejoin rate
 * little (about 100 a second either way, docs/performance.md run AC): the reconnect's cost on
 * PostgreSQL + Redis lies elsewhere; the count stays because it moves less for the same answer.
 */
const COUNT_AFTER = `return #redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', ARGV[2])`;

/**
 * Refuses to recover a session more than `maxEntries` stream entries behind, before the
 * adapter's own recovery reads them all.
 */
export function boundRecovery(adapter: Restorable, client: RedisClientType, streamName: string, maxEntries: number): void {
  const restore = adapter.restoreSession.bind(adapter);
  adapter.restoreSession = async (pid, offset) => {
    if (/^[0-9]+-[0-9]+$/.test(offset)) {
      const after = Number(await client.eval(COUNT_AFTER, { keys: [streamName], arguments: [offset, String(maxEntries + 1)] }));
      if (after > maxEntries) throw new Error(`session more than ${maxEntries} entries behind: connects afresh`);
    }
    return restore(pid, offset);
  };
}

/** The adapter factory for `new Server({ adapter })`, publishing through `client`. */
export function redisStreamsAdapter(client: RedisClientType, prefix: string, log: Logger, maxRecoveryEntries = RECOVERY_MAX_ENTRIES) {
  const streamName = `${prefix}:socket.io`;
  const make = createAdapter(guardAdapterClient(client, log), { streamName, sessionKeyPrefix: `${prefix}:sio:session:` }) as (nsp: unknown) => Restorable;
  // Socket.IO calls the factory with `new`: the object returned is the adapter.
  return function (nsp: unknown) {
    const adapter = make(nsp);
    boundRecovery(adapter, client, streamName, maxRecoveryEntries);
    return adapter;
  } as unknown as ReturnType<typeof createAdapter>;
}

/**
 * The message type of Parley's relay calls in the adapter's stream: outside socket.io-adapter's
 * own (1–13), which a node of an earlier Parley version ignores ("unknown message type").
 */
export const RELAY_MESSAGE_TYPE = 100;

/** What the relay needs of the Streams adapter (socket.io-adapter's ClusterAdapter, whose publish and onMessage are protected). */
interface StreamAdapter {
  uid: string;
  nsp: { name: string };
  /** Rejects when the entry could not be added (`publish` would only say so in debug output). */
  publishAndReturnOffset(message: { type: number; data: unknown }): Promise<unknown>;
  onMessage(message: { uid: string; nsp: string; type: number; data?: unknown }, offset?: string): unknown;
}

/** What the cluster relay (server/realtime/cluster.ts) sends and hears between nodes. */
export interface InterNodeBus {
  /** To every other node, once; rejects when the call could not be published. */
  send(call: RelayedRoomCall): Promise<unknown>;
  /** Each call from another node, in the order its node made it and its broadcasts. */
  listen(listener: (call: RelayedRoomCall) => void): void;
}

/**
 * The relay's calls as entries of the adapter's own stream, beside Socket.IO's broadcasts:
 * in one order with them, and read again after a Redis blip like them (a `serverSideEmit`
 * goes by Pub/Sub, which loses what is published while a node's subscription is down, and
 * runs beside the stream, not in its order). An entry is JSON (the adapter's encoding of a
 * message without binary), like the events Socket.IO clients are sent.
 */
export function streamRelayBus(adapter: unknown): InterNodeBus {
  const stream = adapter as StreamAdapter;
  return {
    // async: a synchronous throw becomes the rejection too.
    async send(call) {
      return stream.publishAndReturnOffset({ type: RELAY_MESSAGE_TYPE, data: call });
    },
    listen(listener) {
      const onMessage = stream.onMessage.bind(stream);
      stream.onMessage = (message, offset) => {
        if (message.type !== RELAY_MESSAGE_TYPE) return onMessage(message, offset);
        // The adapter reads its own entries too, and every namespace's.
        if (message.uid === stream.uid || message.nsp !== stream.nsp.name) return;
        listener(message.data as RelayedRoomCall);
      };
    },
  };
}
