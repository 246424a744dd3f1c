import { describe, expect, it } from "vitest";
import { SecurityPolicy } from "../security/policy";
import { createLogger } from "../logger";
import { HandshakeError } from "./auth.middleware";
import { RoomHub } from "../realtime/hub";
import type { Services } from "../services";
import { AddressBook } from "../domain/address-book";
import { MemoryAddressRepository } from "../store/memory/addresses";
import { MemoryPresenceStore } from "../store/memory/presence.store";
import { hubSessionMiddleware } from "./hub-session.middleware";
import type { ParleySocket } from "./types";

/** The parts of a socket the middleware reads, as Socket.IO has them after the session check. */
function handshaking(readyState: "open" | "closing" | "closed") {
  return {
    id: `socket-${Math.random()}`,
    conn: { readyState },
    request: { socket: { remoteAddress: "203.0.113.7" }, headers: {} },
    data: { user: { id: "ada", name: "Ada" }, sessionId: "s1" },
    recovered: false,
    rooms: new Set<string>(),
  } as unknown as ParleySocket;
}

/** The middleware over a hub whose services it never reaches but presence and the address book (it only takes places). */
function middleware(policy: SecurityPolicy) {
  const services = { presence: new MemoryPresenceStore(), addresses: new AddressBook(new MemoryAddressRepository()) };
  return hubSessionMiddleware(new RoomHub({ services: services as Partial<Services> as Services, policy, log: createLogger("silent") }), policy);
}

function run(middleware: ReturnType<typeof hubSessionMiddleware>, socket: ParleySocket): Error | undefined {
  let result: Error | undefined | null = null;
  middleware(socket, (err) => (result = err));
  if (result === null) throw new Error("next was not called");
  return result;
}

describe("hubSessionMiddleware", () => {
  it("takes a place per socket, gives the address to socket.data, and refuses beyond the cap", () => {
    const policy = new SecurityPolicy({ maxConnectionsPerUser: 2 });
    const cap = middleware(policy);
    const first = handshaking("open");
    expect(run(cap, first)).toBeUndefined();
    expect(first.data.ip).toBe("203.0.113.7");
    expect(run(cap, handshaking("open"))).toBeUndefined();
    const refused = run(cap, handshaking("open"));
    expect(refused).toBeInstanceOf(HandshakeError);
    expect((refused as HandshakeError).data.code).toBe("too_many_connections");
    expect(policy.connections.count("ada")).toBe(2);
  });

  it("takes no place for a client that left while its session was being checked", () => {
    const policy = new SecurityPolicy({ maxConnectionsPerUser: 1 });
    const cap = middleware(policy);
    for (const state of ["closing", "closed"] as const) {
      expect(run(cap, handshaking(state))?.message).toBe("the connection closed during the handshake");
    }
    expect(policy.connections.count("ada")).toBe(0);
    expect(run(cap, handshaking("open"))).toBeUndefined();
  });
});
