import type { Row } from "../lib/report";
import { BenchServer, inBatches, openClient, parleySessions } from "../lib/targets";

/** Server memory per idle connection: RSS and heap after GC, before and after N clients connect. */
async function perConnection(kind: BenchServer["kind"], n: number) {
  const server = new BenchServer(kind);
  await server.start();
  const cookies = kind === "parley" ? await parleySessions(server, 100) : [];
  await server.gc();
  const before = await server.stats();
  const clients = await inBatches(Array.from({ length: n }, (_, i) => cookies[i % 100]), 100, (cookie) => openClient(server, cookie));
  await new Promise((r) => setTimeout(r, 2000));
  await server.gc();
  await new Promise((r) => setTimeout(r, 500));
  const after = await server.stats();
  for (const c of clients) c.socket.close();
  await server.stop();
  return { rss: (after.rssBytes - before.rssBytes) / n, heap: (after.heapUsedBytes - before.heapUsedBytes) / n };
}

export async function idle(smoke: boolean): Promise<Row[]> {
  // The smoke run's size must still move RSS: at 200 connections (3 MB) the allocator's
  // slack from start-up hid them, and Parley's RSS per connection once came out negative.
  const n = smoke ? 1_000 : 10_000;
  const b = await perConnection("baseline", n);
  const p = await perConnection("parley", n);
  const s = `idle connections (${n.toLocaleString("en-US")})`;
  return [
    { scenario: s, metric: "RSS per connection", unit: "KiB", parley: p.rss / 1024, baseline: b.rss / 1024, target: { text: "≤ 1.15× baseline", met: p.rss <= 1.15 * b.rss } },
    { scenario: s, metric: "JS heap per connection", unit: "KiB", parley: p.heap / 1024, baseline: b.heap / 1024 },
  ];
}
