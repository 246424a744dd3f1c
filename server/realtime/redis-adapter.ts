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

/** The adapter factory for `new Server({ adapter })`, publishing through `client`. */
export function redisStreamsAdapter(client: RedisClientType, prefix: string, log: Logger) {
  return createAdapter(guardAdapterClient(client, log), { streamName: `${prefix}:socket.io`, sessionKeyPrefix: `${prefix}:sio:session:` });
}
