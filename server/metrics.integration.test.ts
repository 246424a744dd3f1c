/**
 * Prometheus metrics (METRICS_PORT), over both transports, on both engines: served on a port
 * of their own and never on the public one; one message raises the stored count by exactly
 * one (a resend by none), a change by one; connections are counted by transport; searches,
 * catch-ups and acknowledgements are timed; one registry per server.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { testProvider } from "./test/databases";
import { capturingLogger, startTestServer, type TestServer } from "./test/harness";
import { clientsOf, createdRoom, ok } from "./test/transport-clients";

let server: TestServer | undefined;
const client = clientsOf(() => server);
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The exposition's samples, by name and labels as written (`parley_connections{transport="ws"}`). */
async function scrape(url: string): Promise<{ text: string; value(series: string): number }> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  const text = await res.text();
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const cut = line.lastIndexOf(" ");
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return {
    text,
    value(series) {
      const v = samples.get(series);
      if (v === undefined) throw new Error(`no sample ${series} in:\n${text}`);
      return v;
    },
  };
}

const SERIES = [
  "parley_connections",
  "parley_messages_stored_total",
  "parley_changes_stored_total",
  "parley_append_seconds",
  "parley_ack_seconds",
  "parley_sqlite_batch_size",
  "parley_sqlite_search_index_seconds",
  "parley_sqlite_search_indexed_total",
  "parley_sqlite_search_index_failures_total",
  "parley_rate_limited_total",
  "parley_catchup_messages",
  "parley_dependency_errors_total",
  "parley_push_sent_total",
  "parley_search_seconds",
  "parley_joins",
  "parley_joins_refused_total",
  // The process and Node metrics.
  "process_cpu_seconds_total",
  "process_resident_memory_bytes",
  "nodejs_eventloop_lag_seconds",
  "nodejs_heap_size_used_bytes",
];

describe.each(["socket.io", "ws"] as const)("metrics over %s", (transport) => {
  it("answer on their own port with every series; one message counts once, a resend not at all; the public /metrics is a 404", async () => {
    server = await startTestServer({ metrics: { port: 0 } });
    expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(server.metricsUrl!).port).not.toBe(String(server.port));
    const owner = await client("socket.io", "Owner", { account: true });
    const room = await createdRoom(owner, "Gauges");
    const sender = await client(transport, "Sender", { account: true });
    ok(await sender.request("room:join", { slug: room.slug }));

    const before = await scrape(server.metricsUrl!);
    for (const name of SERIES) expect(before.text, name).toContain(`# HELP ${name} `);
    expect(before.value(`parley_connections{transport="socket.io"}`)).toBe(1 + (transport === "socket.io" ? 1 : 0));
    expect(before.value(`parley_connections{transport="ws"}`)).toBe(transport === "ws" ? 1 : 0);
    const stored = before.value("parley_messages_stored_total");

    const clientId = randomUUID();
    const sent = ok(await sender.request("message:send", { roomId: room.id, clientId, body: "counted once" })).data.message as { id: string };
    const after = await scrape(server.metricsUrl!);
    expect(after.value("parley_messages_stored_total")).toBe(stored + 1);
    expect(after.value("parley_append_seconds_count")).toBe(before.value("parley_append_seconds_count") + 1);
    expect(after.value("parley_ack_seconds_count")).toBe(before.value("parley_ack_seconds_count") + 1);
    expect(after.value("parley_ack_seconds_sum")).toBeGreaterThan(before.value("parley_ack_seconds_sum"));

    // A resend (a lost ack) stores nothing and counts nothing; an edit is one change.
    ok(await sender.request("message:send", { roomId: room.id, clientId, body: "counted once" }));
    ok(await sender.request("message:edit", { roomId: room.id, messageId: sent.id, clientChangeId: randomUUID(), body: "edited" }));
    // A catch-up after a cursor, and a search.
    ok(await sender.request("message:history", { roomId: room.id, after: 0 }));
    ok(await sender.request("message:search", { query: "edited" }));
    const later = await scrape(server.metricsUrl!);
    expect(later.value("parley_messages_stored_total")).toBe(stored + 1);
    expect(later.value("parley_changes_stored_total")).toBe(before.value("parley_changes_stored_total") + 1);
    expect(later.value("parley_catchup_messages_count")).toBe(before.value("parley_catchup_messages_count") + 1);
    expect(later.value("parley_catchup_messages_sum")).toBe(before.value("parley_catchup_messages_sum") + 1);
    expect(later.value("parley_search_seconds_count")).toBe(before.value("parley_search_seconds_count") + 1);
    if (testProvider() === "sqlite") {
      // The message is taken into the search index by the writer thread a moment after its commit.
      await vi.waitFor(async () => expect((await scrape(server!.metricsUrl!)).value("parley_sqlite_search_indexed_total")).toBeGreaterThanOrEqual(before.value("parley_sqlite_search_indexed_total") + 1), {
        timeout: 15_000,
        interval: 100,
      });
      expect(later.value("parley_sqlite_search_index_failures_total")).toBe(0);
    }

    // Never on the public port; nothing else on the metrics port.
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    expect((await fetch(new URL("/", server.metricsUrl!))).status).toBe(404);
    expect((await fetch(server.metricsUrl!, { method: "POST" })).status).toBe(404);
  });
});

describe.each(["socket.io", "ws"] as const)("the log over %s", (transport) => {
  it("says once per connection, at its end, who it was, how it ended and how long it lasted; requests at info, probes and polling at debug, never a query string", async () => {
    const log = capturingLogger();
    server = await startTestServer({ log });
    const someone = await client(transport, "Logged", { account: true });
    const { id: userId } = someone.user;
    someone.close();
    // (A bot's client made its token over a Socket.IO connection first: that one has its line too.)
    const closed = () => log.entries.filter((e) => e.msg === "connection closed" && e.userId === userId && e.transport === transport);
    await expect.poll(closed).toHaveLength(1);
    const line = closed()[0]!;
    expect(line).toMatchObject({ level: "info", transport });
    expect(typeof line.outcome).toBe("string");
    expect(line.seconds).toBeGreaterThanOrEqual(0);

    await fetch(`${server.url}/healthz`);
    await fetch(`${server.url}/api/session?invite=secret-invite`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ displayName: "Q" }) });
    await expect.poll(() => log.entries.filter((e) => e.msg === "request").length).toBeGreaterThanOrEqual(2);
    const requests = log.entries.filter((e) => e.msg === "request");
    expect(requests.find((e) => e.path === "/healthz")).toMatchObject({ level: "debug", status: 200 });
    expect(requests.find((e) => e.path === "/api/session")).toMatchObject({ level: "info", method: "POST", status: 201 });
    expect(JSON.stringify(log.entries)).not.toContain("secret-invite");
  });
});

describe("metrics", () => {
  it("are off unless asked for, and each server counts in a registry of its own", async () => {
    const plain = await startTestServer();
    try {
      expect(plain.metricsUrl).toBeUndefined();
      server = await startTestServer({ metrics: { port: 0 } });
      const second = await startTestServer({ metrics: { port: 0 }, databaseUrl: server.databaseUrl });
      try {
        const sender = await client("socket.io", "Solo", { account: true });
        const room = await createdRoom(sender, "Solo");
        ok(await sender.request("room:join", { slug: room.slug }));
        ok(await sender.request("message:send", { roomId: room.id, clientId: randomUUID(), body: "here only" }));
        expect((await scrape(server.metricsUrl!)).value("parley_messages_stored_total")).toBe(1);
        expect((await scrape(second.metricsUrl!)).value("parley_messages_stored_total")).toBe(0);
      } finally {
        await second.close();
      }
    } finally {
      await plain.close();
    }
  });

  it("count refusals by budget, with no room or user in any label", async () => {
    // The real budgets: a burst of searches spends searchPerUser.
    server = await startTestServer({ metrics: { port: 0 }, security: { rateLimitScale: 1 } });
    const searcher = await client("socket.io", "Eager", { account: true });
    let refused = 0;
    for (let i = 0; i < 40 && refused === 0; i++) {
      const ack = await searcher.request("message:search", { query: `word${i}` });
      if (!ack.ok && ack.error.code === "rate_limited") refused++;
    }
    expect(refused).toBe(1);
    const text = (await scrape(server.metricsUrl!)).text;
    expect(text).toMatch(/^parley_rate_limited_total\{budget="searchPerUser"\} [1-9]/m);
    const labels = new Set([...text.matchAll(/^parley_\w+\{([^}]*)\}/gm)].flatMap((m) => [...m[1]!.matchAll(/(\w+)="/g)].map((l) => l[1])));
    expect([...labels].sort()).toEqual(["budget", "dependency", "le", "outcome", "reason", "state", "transport"]);
  });
});
