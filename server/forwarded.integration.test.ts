/**
 * Behind a proxy that appends to X-Forwarded-For (server/cluster/proxy.ts, as nginx's
 * `$proxy_add_x_forwarded_for` and HAProxy's `option forwardfor` do), a client that forges
 * the header still meets its own budgets and connection caps, on every transport, and the
 * log names its true address. Budgets are the real defaults.
 */
import { randomUUID } from "node:crypto";
import { io as connect } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { startProxy, type RunningProxy } from "./cluster/proxy";
import { DEFAULT_BUDGETS } from "./security/rate-limits";
import { TestBot } from "./test/bot-client";
import { capturingLogger, startTestServer, type TestServer } from "./test/harness";

let server: TestServer | undefined;
let proxy: RunningProxy | undefined;
const bots: TestBot[] = [];
const closers: Array<() => void> = [];
afterEach(async () => {
  for (const b of bots.splice(0)) b.close();
  for (const c of closers.splice(0)) c();
  await proxy?.close();
  proxy = undefined;
  await server?.close();
  server = undefined;
});

/** Parley trusting one hop, behind the cluster proxy; every client here is really 127.0.0.1. */
async function behindProxy(security: Record<string, unknown> = {}) {
  const log = capturingLogger();
  server = await startTestServer({ log, security: { rateLimitScale: 1, trustProxy: true, ...security } });
  proxy = await startProxy({ upstreams: [server.url], checkEveryMs: 60_000 });
  return { log, url: proxy.url };
}

const forgedAddress = (i: number) => `203.0.113.${i % 250}`;

function signIn(url: string, headers: Record<string, string>) {
  return fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ displayName: "Mallory" }),
  });
}

describe("a forged X-Forwarded-For", () => {
  it("HTTP sign-up: behind the proxy, a fresh forged address per request still spends one budget", async () => {
    const { log, url } = await behindProxy();
    const statuses: number[] = [];
    for (let i = 0; i <= DEFAULT_BUDGETS.signInPerIp.points; i++) {
      statuses.push((await signIn(url, { "X-Forwarded-For": forgedAddress(i) })).status);
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(DEFAULT_BUDGETS.signInPerIp.points);
    expect(statuses.at(-1)).toBe(429);
    const refusal = log.entries.find((e) => e.msg === "request refused: rate limited");
    expect(refusal).toMatchObject({ ip: "127.0.0.1", path: "/api/session" });
  });

  it("two real clients behind a trusted hop get a budget each: the address the hop appended is the one charged", async () => {
    // Here the test is the trusted hop (127.0.0.1, "loopback"): what it appends is the client's address.
    const log = capturingLogger();
    server = await startTestServer({ log, security: { rateLimitScale: 1, trustProxy: "loopback" } });
    const first = "198.51.100.7";
    const second = "203.0.113.9";
    const statuses: number[] = [];
    for (let i = 0; i <= DEFAULT_BUDGETS.signInPerIp.points; i++) statuses.push((await signIn(server.url, { "X-Forwarded-For": first })).status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(DEFAULT_BUDGETS.signInPerIp.points);
    expect(statuses.at(-1)).toBe(429);
    expect(log.entries.find((e) => e.msg === "request refused: rate limited")).toMatchObject({ ip: first });
    // The other client, behind the same hop, is untouched by the first one's spending.
    expect((await signIn(server.url, { "X-Forwarded-For": second })).status).toBe(201);
    // A client that writes an address of its own before the hop's: the hop's entry counts.
    expect((await signIn(server.url, { "X-Forwarded-For": `${second}, ${first}` })).status).toBe(429);
  });

  it("HTTP sign-up: sent straight to a node that trusts only its proxies' addresses, the header is ignored", async () => {
    server = await startTestServer({ security: { rateLimitScale: 1, trustProxy: "10.0.0.0/8" } });
    const statuses: number[] = [];
    for (let i = 0; i <= DEFAULT_BUDGETS.signInPerIp.points; i++) {
      statuses.push((await signIn(server.url, { "X-Forwarded-For": forgedAddress(i) })).status);
    }
    expect(statuses.at(-1)).toBe(429);
  });

  it("Socket.IO handshake: sockets behind the proxy with forged addresses share one per-IP cap", async () => {
    const { log, url } = await behindProxy({ maxConnectionsPerIp: 2 });
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { cookie } = await server!.guest(`Guest ${i}`);
      const socket = connect(url, {
        extraHeaders: { cookie, "X-Forwarded-For": forgedAddress(i) },
        transports: ["websocket"],
        reconnection: false,
        forceNew: true,
      });
      closers.push(() => socket.close());
      outcomes.push(
        await new Promise<string>((resolve) => {
          socket.once("connect", () => resolve("connected"));
          socket.once("connect_error", (err: Error & { data?: { code?: string } }) => resolve(err.data?.code ?? err.message));
        }),
      );
    }
    expect(outcomes).toEqual(["connected", "connected", "too_many_connections"]);
    expect(log.entries.find((e) => e.msg === "connection refused: too many open connections")).toMatchObject({ ip: "127.0.0.1", transport: "socket.io" });
  });

  it("/ws upgrade: bots behind the proxy with forged addresses share one per-IP cap", async () => {
    const { log, url } = await behindProxy({ maxConnectionsPerIp: 2 });
    const res = await fetch(`${server!.url}/api/account/sign-up`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: `robo_${randomUUID().slice(0, 6)}`, password: "bot password", displayName: "Robo" }),
    });
    const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
    const owner = await server!.socket(cookie); // takes the first place, straight from 127.0.0.1
    const created = await owner.emitWithAck("token:create", { name: "bot" });
    if (!created.ok) throw new Error(created.error.message);
    const { token } = created.data;

    const first = await TestBot.open(url, { authorization: `Bearer ${token}`, "x-forwarded-for": forgedAddress(1) });
    bots.push(first);
    expect(await first.next((f) => f.type === "hello")).toMatchObject({ type: "hello" });
    const second = await TestBot.open(url, { authorization: `Bearer ${token}`, "x-forwarded-for": forgedAddress(2) });
    bots.push(second);
    expect(await second.next((f) => f.type === "error")).toMatchObject({ error: { code: "too_many_connections" } });
    expect((await second.closed).code).toBe(4429);
    expect(log.entries.find((e) => e.msg === "connection refused: too many open connections")).toMatchObject({ ip: "127.0.0.1", transport: "ws" });
  });
});
