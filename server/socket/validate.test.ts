import { describe, expect, it } from "vitest";
import { z } from "zod";
import { messageSendSchema, roomJoinSchema, roomListSchema } from "../contract/schemas";
import { createLogger } from "../logger";
import { SecurityPolicy } from "../security/policy";
import { RoomHub } from "../realtime/hub";
import type { Services } from "../services";
import { MemoryPresenceStore } from "../store/memory/presence.store";
import { socketHandlers } from "./validate";

describe("the handler registry is keyed by the contract", () => {
  it("accepts the contract's events with their schemas and answers, and refuses others at type-check time", () => {
    const policy = new SecurityPolicy();
    const hub = new RoomHub({ services: { presence: new MemoryPresenceStore() } as Partial<Services> as Services, policy, log: createLogger("silent") });
    const registered: string[] = [];
    // A registry each: one event has one handler (a second one throws, below).
    const on: ReturnType<typeof socketHandlers>["on"] = (event, schema, handler) => {
      registered.push(event);
      socketHandlers(hub).on(event, schema, handler);
    };
    on("room:join", roomJoinSchema, async () => ({ room: null as never, history: null as never, online: [], typing: [], changeCursor: 0, read: { roomId: "r", readSeq: 0, latestSeq: 0 } }));
    // @ts-expect-error a misspelt event is not in ClientToServerEvents
    on("room:joinn", roomJoinSchema, async () => ({}));
    // @ts-expect-error message:send acknowledges { message, duplicate }, not a bare string
    on("message:send", messageSendSchema, async () => "sent");
    // @ts-expect-error the schema must parse to the event's payload
    on("message:send", z.object({ text: z.string() }), async () => ({ message: null as never, duplicate: false }));
    expect(registered).toEqual(["room:join", "room:joinn", "message:send", "message:send"]);
  });
});

describe("a socket's client events go through one listener", () => {
  const hub = () => new RoomHub({ services: { presence: new MemoryPresenceStore() } as Partial<Services> as Services, policy: new SecurityPolicy(), log: createLogger("silent") });
  /** What `attach` registers on a socket, and a way to play Socket.IO's part. */
  function fakeSocket() {
    const any: Array<(...args: unknown[]) => void> = [];
    const on = new Map<string, unknown>();
    const socket = { connected: true, onAny: (l: (...args: unknown[]) => void) => any.push(l), on: (e: string, l: unknown) => on.set(e, l) };
    return { socket, any, on, packet: (...args: unknown[]) => any.forEach((l) => l.apply(socket, args)) };
  }

  // The handlers themselves run in every socket integration test (they need a hub session).
  it("one catch-all per socket and the lifecycle listeners, no slot per event", async () => {
    const handlers = socketHandlers(hub());
    const calls: string[] = [];
    handlers.on("room:list", roomListSchema, async () => {
      calls.push("room:list");
      return { rooms: [] };
    });
    handlers.onLifecycle("disconnect", () => void calls.push("disconnect"));
    const s = fakeSocket();
    handlers.attach(s.socket as never);
    expect(s.any).toHaveLength(1);
    expect([...s.on.keys()]).toEqual(["disconnect"]);

    // An event with no handler, or a name that is not a string, is dropped: no throw, no answer.
    const heard: unknown[] = [];
    expect(() => s.packet("no:such-event", {}, (a: unknown) => heard.push(a))).not.toThrow();
    expect(() => s.packet(42, {})).not.toThrow();
    await new Promise((r) => setImmediate(r));
    expect(heard).toEqual([]);
    expect(calls).toEqual([]);
  });

  it("an event has one handler: registering a second one throws", () => {
    const handlers = socketHandlers(hub());
    handlers.on("room:list", roomListSchema, async () => ({ rooms: [] }));
    expect(() => handlers.on("room:list", roomListSchema, async () => ({ rooms: [] }))).toThrow(/room:list has a handler already/);
  });
});
