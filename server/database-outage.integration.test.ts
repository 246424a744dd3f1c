/**
 * PostgreSQL goes away under a running node: liveness (`/healthz`) stays 200, so no
 * orchestrator restarts the node and drops its sockets; readiness (`/readyz`) turns 503;
 * connected clients stay connected and their sends are refused as retryable; when the
 * database is back, the resent message is stored once.
 *
 * PostgreSQL only (the "postgresql" Vitest project): a SQLite file has no connection to lose.
 * The database sits behind a TCP forwarder that the test cuts (connections dropped, new ones
 * refused) and restores on the same port.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { CuttableTcp } from "./test/cuttable-tcp";
import { TestBot } from "./test/bot-client";
import { chatClient, eventually } from "./test/chat-client";
import { freshDatabaseUrl, startTestServer, withDatabase, type TestServer } from "./test/harness";

let server: TestServer | undefined;
let forwarder: CuttableTcp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await forwarder?.close();
  forwarder = undefined;
});

/** A node whose database connection runs through a forwarder the test can cut. */
async function nodeBehindForwarder() {
  const direct = new URL(await freshDatabaseUrl());
  forwarder = await CuttableTcp.start(direct.hostname, Number(direct.port || 5432));
  const viaForwarder = new URL(direct);
  viaForwarder.hostname = "127.0.0.1";
  viaForwarder.port = String(forwarder.port);
  server = await startTestServer({ databaseUrl: viaForwarder.toString() });
  return { server, directUrl: direct.toString(), forwarder };
}

const status = async (url: string) => (await fetch(url)).status;

describe("a database outage", () => {
  it("keeps liveness and every socket, refuses sends as retryable, and stores the resend once when the database is back", async () => {
    const { server, directUrl, forwarder } = await nodeBehindForwarder();
    const ada = await server.guest("Ada");
    const socket = await server.socket(ada.cookie);
    const created = await socket.emitWithAck("room:create", { name: "Outage" });
    if (!created.ok) throw new Error(created.error.message);
    const roomId = created.data.room.id;
    expect((await socket.emitWithAck("room:join", { slug: created.data.room.slug })).ok).toBe(true);
    expect(await status(`${server.url}/readyz`)).toBe(200);

    await forwarder.cut();

    expect(await status(`${server.url}/healthz`)).toBe(200);
    const readiness = await fetch(`${server.url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(((await readiness.json()) as { checks: Record<string, string> }).checks.database).toBe("failed");

    const clientId = randomUUID();
    const refused = await socket.emitWithAck("message:send", { roomId, clientId, body: "sent during the outage" });
    expect(refused).toMatchObject({ ok: false, error: { code: "unavailable" } });

    // Longer than the session sweep (5 s), which cannot read sessions now: nobody is dropped.
    await new Promise((r) => setTimeout(r, 6000));
    expect(socket.connected).toBe(true);
    expect(await status(`${server.url}/healthz`)).toBe(200);

    await forwarder.restore();
    for (const deadline = Date.now() + 15_000; (await status(`${server.url}/readyz`)) !== 200; ) {
      if (Date.now() > deadline) throw new Error("/readyz did not come back within 15 s of the database");
      await new Promise((r) => setTimeout(r, 200));
    }
    // The client's outbox resends with the same clientId; a second resend is the same message.
    const sent = await socket.emitWithAck("message:send", { roomId, clientId, body: "sent during the outage" });
    expect(sent.ok).toBe(true);
    const again = await socket.emitWithAck("message:send", { roomId, clientId, body: "sent during the outage" });
    expect(again.ok && sent.ok && again.data.message.id === sent.data.message.id).toBe(true);
    expect(socket.connected).toBe(true);
    const stored = await withDatabase(directUrl, (db) => db.message.findMany({ where: { roomId } }));
    expect(stored.map((m) => m.body)).toEqual(["sent during the outage"]);
  }, 40_000);

  it("a browser's outbox keeps the message written during the outage and delivers it once when the database is back", async () => {
    const { server, directUrl, forwarder } = await nodeBehindForwarder();
    const ada = await server.guest("Ada");
    const tab = await chatClient(server.url, ada);
    try {
      const created = await tab.socket.emitWithAck("room:create", { name: "Outbox in an outage" });
      if (!created.ok) throw new Error(created.error.message);
      const room = tab.room(created.data.room.slug);
      await eventually(() => room.get().phase === "joined", "the room is joined");
      await forwarder.cut();
      const entry = await tab.outbox.add(created.data.room.id, "written while the database was away");
      // Retried (the refusal is `unavailable`, not a failure for the user), still pending.
      await new Promise((r) => setTimeout(r, 1500));
      expect(tab.outbox.get().find((e) => e.clientId === entry.clientId)?.status).toBe("pending");
      expect(tab.socket.connected).toBe(true);
      await forwarder.restore();
      await eventually(() => tab.delivered.some((m) => m.clientId === entry.clientId), "delivered after the outage", 20_000);
      const stored = await withDatabase(directUrl, (db) => db.message.findMany({ where: { roomId: created.data.room.id } }));
      expect(stored.map((m) => m.body)).toEqual(["written while the database was away"]);
    } finally {
      tab.close();
    }
  }, 40_000);

  it("keeps a bot on /ws connected and answers its send with a retryable error", async () => {
    const { server, forwarder } = await nodeBehindForwarder();
    const res = await fetch(`${server.url}/api/account/sign-up`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: `robo_${randomUUID().slice(0, 6)}`, password: "bot password", displayName: "Robo" }),
    });
    const owner = await server.socket(res.headers.get("set-cookie")!.split(";")[0]!);
    const token = await owner.emitWithAck("token:create", { name: "bot" });
    const room = await owner.emitWithAck("room:create", { name: "Bots in an outage" });
    if (!token.ok || !room.ok) throw new Error("set-up failed");
    const bot = await TestBot.open(server.url, { authorization: `Bearer ${token.data.token}` });
    try {
      await bot.request({ type: "join", slug: room.data.room.slug });
      await forwarder.cut();
      const answer = await bot.request({ type: "send", roomId: room.data.room.id, clientId: randomUUID(), body: "hello?" });
      expect(answer).toMatchObject({ ok: false, error: { code: "unavailable" } });
      expect(bot.ws.readyState).toBe(bot.ws.OPEN);
      expect(await status(`${server.url}/healthz`)).toBe(200);
    } finally {
      bot.close();
    }
  }, 30_000);
});
