import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { BudgetName } from "../security/rate-limits";
import { JOIN_CONCURRENCY, JOIN_MAX_WAIT_MS, type JoinRefusal } from "../realtime/hub/join-gate";

/** Outside dependencies whose failures are counted (`parley_dependency_errors_total`). */
export type Dependency = "database" | "redis" | "push";
/** What became of one Web Push request. */
export type PushOutcome = "sent" | "gone" | "failed" | "dropped";
export type Transport = "socket.io" | "ws";

const DEPENDENCIES: readonly Dependency[] = ["database", "redis", "push"];
const PUSH_OUTCOMES: readonly PushOutcome[] = ["sent", "gone", "failed", "dropped"];

/** Seconds, from 100 µs to 10 s: an append or an ack is ~1 ms on SQLite, a few ms on PostgreSQL. */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
/** Counts (a commit's appends, a catch-up's messages). */
const COUNT_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500];

/**
 * Parley's Prometheus metrics: one registry per server instance (tests start several in one
 * process, each with its own). No label names a room or a user: the series stay few whatever
 * the community's size. Children with labels are bound once here, so the hot path only adds
 * to a number.
 *
 * Recording is always on (an `inc` or an `observe` costs well under a microsecond); only
 * `defaults` (the process and Node metrics, which run an event-loop monitor) and serving
 * (`serveMetrics`) depend on METRICS_PORT.
 */
export class ParleyMetrics {
  readonly registry = new Registry();
  readonly messagesStored: Counter;
  readonly changesStored: Counter;
  readonly appendSeconds: Histogram;
  readonly ackSeconds: Histogram;
  readonly sqliteBatchSize: Histogram;
  readonly sqliteSearchIndexSeconds: Histogram;
  readonly sqliteSearchIndexed: Counter;
  readonly sqliteSearchIndexFailures: Counter;
  readonly catchupMessages: Histogram;
  readonly searchSeconds: Histogram;
  /** Rejected promises nobody handled (server/process-guards.ts): each one is a defect. */
  readonly unhandledRejections: Counter;
  private readonly rateLimitedCounter: Counter<"budget">;
  private readonly rateLimitedBy = new Map<string, { inc(): void }>();
  private readonly dependencyErrorsBy: Record<Dependency, { inc(): void }>;
  private readonly pushSentBy: Record<PushOutcome, { inc(): void }>;
  private readonly connectionCounts: Partial<Record<Transport, () => number>> = {};
  private joinGate: () => { waiting: number; running: number } = () => ({ waiting: 0, running: 0 });
  private readonly joinsRefusedBy: Record<JoinRefusal, { inc(): void }>;

  constructor(options: { defaults?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaults) collectDefaultMetrics({ register: this.registry });
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the gauge's collect() has the gauge as `this`
    const self = this;
    new Gauge({
      name: "parley_connections",
      help: "Open client connections on this node, by transport (socket.io: browsers; ws: bots and scripts).",
      labelNames: ["transport"] as const,
      registers,
      collect() {
        for (const transport of ["socket.io", "ws"] as const) this.set({ transport }, self.connectionCounts[transport]?.() ?? 0);
      },
    });
    new Gauge({
      name: "parley_joins",
      help: `Room joins at this node's join gate, by state: running (at most ${JOIN_CONCURRENCY} at once) or waiting for their turn (a reconnect storm).`,
      labelNames: ["state"] as const,
      registers,
      collect() {
        const { waiting, running } = self.joinGate();
        this.set({ state: "waiting" }, waiting);
        this.set({ state: "running" }, running);
      },
    });
    const joinsRefused = new Counter({
      name: "parley_joins_refused_total",
      help: `Room joins answered unavailable without being run (the client asks again), by reason: closed (the connection closed while it waited), waited (it waited past ${JOIN_MAX_WAIT_MS / 1000} s).`,
      labelNames: ["reason"] as const,
      registers,
    });
    this.joinsRefusedBy = { closed: joinsRefused.labels("closed"), waited: joinsRefused.labels("waited") };
    joinsRefused.labels("closed").inc(0);
    joinsRefused.labels("waited").inc(0);
    this.messagesStored = new Counter({ name: "parley_messages_stored_total", help: "Messages stored (a resend of a stored message is not counted).", registers });
    this.changesStored = new Counter({ name: "parley_changes_stored_total", help: "Changes applied: edits, deletions, reactions (a resend or a no-op is not counted).", registers });
    this.appendSeconds = new Histogram({ name: "parley_append_seconds", help: "Time to store one message, commit included.", buckets: LATENCY_BUCKETS, registers });
    this.ackSeconds = new Histogram({
      name: "parley_ack_seconds",
      help: "Time from a send's arrival to its acknowledgement (budget, validation, permissions, commit, publication).",
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.sqliteBatchSize = new Histogram({ name: "parley_sqlite_batch_size", help: "Appends and changes committed together by the SQLite writer (group commit).", buckets: COUNT_BUCKETS, registers });
    this.sqliteSearchIndexSeconds = new Histogram({
      name: "parley_sqlite_search_index_seconds",
      help: "Time of one step of the SQLite search index's upkeep on the writer thread (messages noted by appends, indexed together shortly after their commits).",
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.sqliteSearchIndexed = new Counter({ name: "parley_sqlite_search_indexed_total", help: "Noted messages taken into the SQLite search index by its upkeep.", registers });
    this.sqliteSearchIndexFailures = new Counter({
      name: "parley_sqlite_search_index_failures_total",
      help: "Steps of the SQLite search index's upkeep that failed (their messages stay noted and are tried again; a search reads them meanwhile, more slowly).",
      registers,
    });
    this.catchupMessages = new Histogram({ name: "parley_catchup_messages", help: "Messages sent to a client catching up after a cursor (a rejoin, a history page after a seq).", buckets: COUNT_BUCKETS, registers });
    this.searchSeconds = new Histogram({ name: "parley_search_seconds", help: "Time to answer one message search.", buckets: LATENCY_BUCKETS, registers });
    this.unhandledRejections = new Counter({
      name: "parley_unhandled_rejections_total",
      help: "Rejected promises nobody handled: logged, and the node went on (each one is a defect, its stack in the log).",
      registers,
    });
    this.rateLimitedCounter = new Counter({ name: "parley_rate_limited_total", help: "Actions refused because a rate-limit budget was spent, by budget.", labelNames: ["budget"] as const, registers });
    const dependencyErrors = new Counter({
      name: "parley_dependency_errors_total",
      help: "Failures of an outside dependency: the database unreachable, a Redis error, a Web Push request that failed.",
      labelNames: ["dependency"] as const,
      registers,
    });
    this.dependencyErrorsBy = Object.fromEntries(DEPENDENCIES.map((d) => [d, dependencyErrors.labels(d)])) as Record<Dependency, { inc(): void }>;
    const pushSent = new Counter({
      name: "parley_push_sent_total",
      help: "Web Push requests by outcome: sent, gone (the subscription expired and was deleted), failed, dropped (the queue was full).",
      labelNames: ["outcome"] as const,
      registers,
    });
    this.pushSentBy = Object.fromEntries(PUSH_OUTCOMES.map((o) => [o, pushSent.labels(o)])) as Record<PushOutcome, { inc(): void }>;
    for (const d of DEPENDENCIES) dependencyErrors.labels(d).inc(0);
    for (const o of PUSH_OUTCOMES) pushSent.labels(o).inc(0);
  }

  /** Where the connection gauge reads its counts at each scrape (nothing on the hot path). */
  countConnections(transport: Transport, count: () => number): void {
    this.connectionCounts[transport] = count;
  }

  /** Where the join gauge reads the hub's join gate at each scrape. */
  watchJoins(read: () => { waiting: number; running: number }): void {
    this.joinGate = read;
  }

  joinRefused(reason: JoinRefusal): void {
    this.joinsRefusedBy[reason].inc();
  }

  rateLimited(budget: BudgetName): void {
    let child = this.rateLimitedBy.get(budget);
    if (!child) this.rateLimitedBy.set(budget, (child = this.rateLimitedCounter.labels(budget)));
    child.inc();
  }

  dependencyError(dependency: Dependency): void {
    this.dependencyErrorsBy[dependency].inc();
  }

  pushSent(outcome: PushOutcome): void {
    this.pushSentBy[outcome].inc();
  }
}

/** Seconds since `start` (a `performance.now()`), for a histogram. */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

export interface MetricsEndpoint {
  url: string;
  close(): Promise<void>;
}

/**
 * The Prometheus endpoint on a port of its own (METRICS_PORT, bound to METRICS_HOST,
 * 127.0.0.1 by default): `GET /metrics`, and 404 for anything else. Never on the public port.
 */
export async function serveMetrics(metrics: ParleyMetrics, port: number, host = "127.0.0.1"): Promise<MetricsEndpoint> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "GET" || path !== "/metrics") {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("Not found");
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { "Content-Type": metrics.registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { "Content-Type": "text/plain" }).end(String((err as Error).message)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
