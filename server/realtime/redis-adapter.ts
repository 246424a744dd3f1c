/**
 * Socket.IO between nodes: the Redis Streams adapter, made safe for Redis going away.
 *
 * The adapter keeps its own Redis connection with node-redis's offline queue, so that a
 * broadcast made while Redis restarts is sent when it is back. It fires two commands that
 * nobody awaits: the SET that stores a disconnected socket's recoverable state, and the
 * PUBLISH of its replies to other nodes. When the connection resets while one of them is
 * in flight, its rejection would go unhandled and end the process; here it is logged (the
 * socket then rejoins and catches up by seq). Its broadcasts and room changes catch their
 * own failures (socket.io-adapter's ClusterAdapter), delivering locally either way.
 */
import { createAdapter } from "@socket.io/redis-streams-adapter";
import type { RedisClientType } from "redis";
import type { Logger } from "../logger";

/** The adapter factory for `new Server({ adapter })`, publishing through `client`. */
export function redisStreamsAdapter(client: RedisClientType, prefix: string, log: Logger) {
  for (const name of ["set", "publish"] as const) {
    const command = (client[name] as (...args: unknown[]) => Promise<unknown>).bind(client);
    (client as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const reply = command(...args);
      reply.catch((err: unknown) => log.warn({ err, command: name }, "Redis adapter command failed"));
      return reply;
    };
  }
  return createAdapter(client, { streamName: `${prefix}:socket.io`, sessionKeyPrefix: `${prefix}:sio:session:` });
}
