import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { LoadGenerator, loadThreads, type LoadResult } from "../lib/load";
import { quartiles, ratioVerdict, type Row } from "../lib/report";
import { BenchServer, processCpuNanos } from "../lib/targets";
import { createPostgresDatabase, dropDatabase, postgresReachable, TEST_POSTGRES_URL, TEST_REDIS_URL } from "../../server/test/databases";
import { redisReachable } from "../../server/test/redis-process";

/**
 * What a node costs (issue 32, item 4): the members of one busy room spread over three
 * Parley nodes (PostgreSQL, Redis, the Redis Streams adapter: `npm run cluster`'s pieces)
 * against the same clients on one node of the same kind (PostgreSQL and Redis too, so that
 * only the spreading differs). Both deployments run at once, each on a database and Redis
 * prefix of its own, measured in turn over rounds. Per round: the CPU every node used per
 * delivered message, the Redis server's CPU beside it, and (three nodes) the delivery delay
 * to clients of another node than the sender's against those of the sender's own node.
 * Then the three nodes are started again under Node's CPU profiler for one window: the Redis
 * client's and the adapters' share of their CPU.
 *
 * Everything (three or four nodes, PostgreSQL, Redis, the load generator) shares this
 * machine's cores: the figures are costs (CPU per message), not capacity.
 */

const NODES = 3;

/** Redis's server process, for its CPU (the adapter's other half); undefined when not found here. */
function redisPid(): number | undefined {
  try {
    const pids = execFileSync("pidof", ["redis-server"]).toString().trim().split(/\s+/).map(Number);
    return pids.length === 1 ? pids[0] : undefined;
  } catch {
    return undefined;
  }
}

/** In nanoseconds (schedstat): clock ticks of 10 ms read 0 for Redis's few milliseconds in a smoke run's second. */
const processCpuSeconds = (pid: number): number => processCpuNanos(pid) / 1e9;

interface Window {
  result: LoadResult;
  /** Every node's CPU per delivered message, µs. */
  cpuPerDelivery: number;
  /** The Redis server's CPU per delivered message, µs (NaN when its process is not found). */
  redisPerDelivery: number;
}

async function window(load: LoadGenerator, rate: number, ms: number, redis: number | undefined): Promise<Window> {
  const before = redis ? processCpuSeconds(redis) : NaN;
  const result = await load.run({ rate, durationMs: ms, drainMs: 10_000 });
  const redisSeconds = redis ? processCpuSeconds(redis) - before : NaN;
  return { result, cpuPerDelivery: (result.serverCpuSeconds * 1e6) / result.delivered, redisPerDelivery: (redisSeconds * 1e6) / result.delivered };
}

/** A deployment: `count` nodes on one new database and Redis prefix. */
async function deployment(count: number, extra: Record<string, string> = {}) {
  const url = await createPostgresDatabase();
  // The stats probe's event-loop delay timer off: nothing here reads it, and it would cost each node alike.
  const env = { DATABASE_URL: url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `parley-bench-${randomUUID().slice(0, 8)}:`, BENCH_PROBE_LOOP_DELAY: "0", ...extra };
  const nodes: BenchServer[] = [];
  // One after another: the first migrates the database.
  for (let i = 0; i < count; i++) {
    const node = new BenchServer("parley", env);
    await node.start();
    nodes.push(node);
  }
  return {
    nodes,
    async close() {
      await Promise.all(nodes.map((n) => n.stop()));
      await dropDatabase(url);
    },
  };
}

/** The packages that carry Socket.IO between nodes through Redis: node-redis, the Streams adapter and the cluster adapter it extends. */
const REDIS_PATH = /node_modules\/(@redis\/|redis\/|@socket\.io\/redis-streams-adapter\/|socket\.io-adapter\/)/;

/** From V8 CPU profiles: the share of samples (idle excluded) whose function is in `REDIS_PATH`. */
function redisShare(dir: string): { share: number; samples: number } {
  let redis = 0;
  let total = 0;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
    const profile = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as { nodes: Array<{ callFrame: { functionName: string; url: string }; hitCount?: number }> };
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      if (node.callFrame.functionName === "(idle)") continue;
      total += hits;
      if (REDIS_PATH.test(node.callFrame.url)) redis += hits;
    }
  }
  return { share: total === 0 ? NaN : redis / total, samples: total };
}

export async function nodes(smoke: boolean): Promise<Row[]> {
  if (!(await postgresReachable()) || !(await redisReachable(TEST_REDIS_URL))) {
    if (process.env.PARLEY_REQUIRE_SERVICES === "1") throw new Error(`PostgreSQL (${TEST_POSTGRES_URL}) or Redis (${TEST_REDIS_URL}) is not reachable`);
    console.error(`    PostgreSQL or Redis is not reachable: the nodes scenario is left out`);
    return [];
  }
  const [perRoom, rate, ms, rounds] = smoke ? [30, 30, 1000, 1] : [99, 100, 3000, 7];
  const redis = redisPid();
  const one = await deployment(1);
  const three = await deployment(NODES);
  const pairs: Array<{ one: Window; three: Window }> = [];
  let profiled: { share: number; samples: number } | undefined;
  try {
    const loadOne = await LoadGenerator.open(one.nodes[0]!, 1, perRoom, 10);
    const loadThree = await LoadGenerator.open(three.nodes[0]!, 1, perRoom, 10, loadThreads(), three.nodes);
    try {
      for (let round = 0; round < rounds; round++) {
        // Each round starts with the other deployment: a trend in the machine's load favours neither.
        const a = round % 2 === 0 ? await window(loadOne, rate, ms, redis) : undefined;
        const t = await window(loadThree, rate, ms, redis);
        const o = a ?? (await window(loadOne, rate, ms, redis));
        console.error(
          `    round ${round + 1}: one node ${o.cpuPerDelivery.toFixed(1)} µs/delivery (p99 ${o.result.latency.p99.toFixed(1)} ms, ${(o.result.ratio * 100).toFixed(1)} % delivered); three nodes ${t.cpuPerDelivery.toFixed(1)} µs/delivery (same-node p99 ${t.result.sameNode.p99.toFixed(1)} ms, cross-node p99 ${t.result.crossNode.p99.toFixed(1)} ms, ${(t.result.ratio * 100).toFixed(1)} % delivered); Redis ${o.redisPerDelivery.toFixed(2)} / ${t.redisPerDelivery.toFixed(2)} µs/delivery`,
        );
        pairs.push({ one: o, three: t });
      }
    } finally {
      loadOne.close();
      loadThree.close();
    }
  } finally {
    await Promise.all([one.close(), three.close()]);
  }
  if (!smoke) {
    // The profile: three nodes again, under --cpu-prof, one window; the profiles are written at exit.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-bench-prof-"));
    const saved = process.env.BENCH_SERVER_NODE_ARGS;
    process.env.BENCH_SERVER_NODE_ARGS = `--cpu-prof --cpu-prof-dir=${dir}`;
    const profiledDeployment = await deployment(NODES).finally(() => {
      if (saved === undefined) delete process.env.BENCH_SERVER_NODE_ARGS;
      else process.env.BENCH_SERVER_NODE_ARGS = saved;
    });
    try {
      const load = await LoadGenerator.open(profiledDeployment.nodes[0]!, 1, perRoom, 10, loadThreads(), profiledDeployment.nodes);
      await load.run({ rate, durationMs: 10_000, drainMs: 10_000 });
      load.close();
    } finally {
      await profiledDeployment.close();
    }
    profiled = redisShare(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    console.error(`    profile of three nodes: Redis client and adapters ${(profiled.share * 100).toFixed(1)} % of ${profiled.samples} samples`);
  }

  const s = `nodes: one room of ${perRoom}, ${rate} msg/s, on three nodes vs one (PostgreSQL + Redis)`;
  const cpu = ratioVerdict(
    pairs.map((p) => p.three.cpuPerDelivery / p.one.cpuPerDelivery),
    1.5,
    0.5,
  );
  const cross = ratioVerdict(
    pairs.map((p) => p.three.result.crossNode.p99 / p.three.result.sameNode.p99),
    2,
    0.5,
  );
  const med = (f: (p: { one: Window; three: Window }) => number) => quartiles(pairs.map(f).filter(Number.isFinite)).median;
  const missing = pairs.reduce((a, p) => a + (p.three.result.expected - p.three.result.delivered) + (p.one.result.expected - p.one.result.delivered), 0);
  const rows: Row[] = [
    {
      scenario: s,
      metric: "CPU per delivered message, every node",
      unit: "µs",
      parley: med((p) => p.three.cpuPerDelivery),
      baseline: med((p) => p.one.cpuPerDelivery),
      reference: "one node",
      spread: cpu.spread,
      target: { text: "≤ 1.5× one node", verdict: cpu.verdict },
    },
    {
      scenario: s,
      metric: "delivery p99 to another node's clients",
      unit: "ms",
      parley: med((p) => p.three.result.crossNode.p99),
      baseline: med((p) => p.three.result.sameNode.p99),
      reference: "the sender's node's clients",
      spread: cross.spread,
      target: { text: "≤ 2× same node", verdict: cross.verdict },
    },
    {
      scenario: s,
      metric: "deliveries missing after the drain (both deployments)",
      unit: "",
      parley: missing,
      target: { text: "0", met: missing === 0 },
      correctness: true,
    },
  ];
  if (redis) {
    rows.push({ scenario: s, metric: "Redis server's CPU per delivered message", unit: "µs", parley: med((p) => p.three.redisPerDelivery), baseline: med((p) => p.one.redisPerDelivery), reference: "one node" });
  } else console.error("    Redis's server process was not found here (pidof redis-server): its CPU is not reported");
  if (profiled) {
    rows.push({ scenario: s, metric: "Redis client and adapters' share of the three nodes' CPU (profile)", unit: "%", parley: profiled.share * 100, spread: `${profiled.samples} samples` });
  }
  return rows;
}
