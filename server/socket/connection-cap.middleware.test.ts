import { describe, expect, it } from "vitest";
import { SecurityPolicy } from "../security/policy";
import { createLogger } from "../logger";
import { HandshakeError } from "./auth.middleware";
import { connectionCapMiddleware } from "./connection-cap.middleware";
import type { ParleySocket } from "./types";

/** The parts of a socket the middleware reads, as Socket.IO has them after the session check. */
function handshaking(readyState: "open" | "closing" | "closed") {
  return {
    conn: { readyState },
    request: { socket: { remoteAddress: "203.0.113.7" }, headers: {} },
    data: { user: { id: "ada", name: "Ada" }, sessionId: "s1" },
  } as unknown as ParleySocket;
}

function run(middleware: ReturnType<typeof connectionCapMiddleware>, socket: ParleySocket): Error | undefined {
  let result: Error | undefined | null = null;
  middleware(socket, (err) => (result = err));
  if (result === null) throw new Error("next was not called");
  return result;
}

describe("connectionCapMiddleware", () => {
  it("takes a place per socket, gives the address to socket.data, and refuses beyond the cap", () => {
    const policy = new SecurityPolicy({ maxConnectionsPerUser: 2 });
    const cap = connectionCapMiddleware(policy, createLogger("silent"));
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
    const cap = connectionCapMiddleware(policy, createLogger("silent"));
    for (const state of ["closing", "closed"] as const) {
      expect(run(cap, handshaking(state))?.message).toBe("the connection closed during the handshake");
    }
    expect(policy.connections.count("ada")).toBe(0);
    expect(run(cap, handshaking("open"))).toBeUndefined();
  });
});
