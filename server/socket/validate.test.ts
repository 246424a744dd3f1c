import { describe, expect, it } from "vitest";
import { z } from "zod";
import { messageSendSchema, roomJoinSchema } from "../contract/schemas";
import { createLogger } from "../logger";
import { SecurityPolicy } from "../security/policy";
import { RoomHub } from "../realtime/hub";
import type { Services } from "../services";
import { MemoryPresenceStore } from "../store/memory/presence.store";
import { socketHandlers } from "./validate";

describe("the handler registry is keyed by the contract", () => {
  it("accepts the contract's events with their schemas and answers, and refuses others at type-check time", () => {
    const policy = new SecurityPolicy();
    const handlers = socketHandlers(new RoomHub({ services: { presence: new MemoryPresenceStore() } as Partial<Services> as Services, policy, log: createLogger("silent") }));
    const registered: string[] = [];
    const on: typeof handlers.on = (event, schema, handler) => {
      registered.push(event);
      handlers.on(event, schema, handler);
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
