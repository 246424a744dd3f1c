import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Row } from "../lib/report";
import { quartiles, ratioVerdict } from "../lib/report";
import { loadThreads, WorkerShard } from "../lib/load";
import { raiseFdLimit } from "../lib/fd-limit";
import { cpuShares, describeShares, readCpu, type CpuShares } from "../lib/machine";
import { reusePortSupported } from "../../server/http/listen";
import { BenchServer, inBatches, makeRoom, openClient, parleySessions, type BenchRoom } from "../lib/targets";
import type { IdleCommand, IdleMember, IdleReply } from "../lib/idle-shard";
import { createPostgresDatabase, dropDatabase, postgresReachable, TEST_POSTGRES_URL, TEST_REDIS_URL } from "../../server/test/databases";
import { freePort } from "../../server/test/node-process";
import { redisReachable } from "../../server/test/redis-process";

/**
 * Connections per node (issue 32, item 3): one node holding 1,000, 5,000 and 20,000 idle
 * connections, 100 to a room, on bare Socket.IO, Parley on SQLite and Parley on PostgreSQL
 * with Redis (the Streams adapter, presence in Redis). At each step: RSS and heap per
 * connection, and the CPU the heartbeat costs per connection (the server's CPU over idle
 * windows of one ping interval, less what it used idle with no connection). After the
 * last step the node restarts (SIGTERM, then a new process on the same port and database)
 * and every client comes back by itself: Parley's are the browser's own room view
 * (`RoomSync`), which rejoins and catches up; each room's talker sends 5 messages while
 * the node stops and 5 more once it is back. Measured: until every client is connected,
 * rejoined and holds every acknowledged message of its room.
 *
 * Memory is read over several passes (three in a full run), the sides in turn and a new
 * process for each, because one process's RSS moves between runs by about the target's
 * margin; the verdict is on the passes' ratios. The heartbeat and the storm are the last
 * pass's.
 *
 * The clients run in worker threads of this process (idle-shard.ts), on the same two cores
 * as the server: the storm's figure includes the generator's own work, and its busiest
 * thread's event-loop use is reported beside it.
 */

/** Parley's heartbeat (server/app.ts, DEFAULT_HEARTBEAT); the baseline is given the same. */
const PING_INTERVAL_MS = 10_000;
const PER_ROOM = 100;
/** Item 3's memory target: RSS per connection against bare Socket.IO's. */
const RSS_LIMIT = 1.15;
/**
 * Passes that disagree on the verdict and whose ratios spread wider than this share of their
 * median give none ("too noisy"): at 1,000 connections a connection is a few KiB of a 170 MiB
 * process.
 */
const RSS_NOISE_BOUND = 0.3;

type Side = { label: string; kind: BenchServer["kind"]; env: Record<string, string>; cleanup?: () => Promise<void> };

interface Step {
  n: number;
  /** The server's RSS after GC at this step, bytes. */
  rss: number;
  rssPerConn: number;
  heapPerConn: number;
  /** Heartbeat CPU per connection, µs per second, one figure per idle window. */
  cpuWindows: number[];
}

interface Storm {
  /** From the new process's spawn until every client is back. */
  ms: number;
  /** From the SIGTERM until every client is back. */
  fromStopMs: number;
  restartMs: number;
  missing: number;
  acked: number;
  generatorElu: number;
  /** The new server's CPU from its "ready" to the end, as a share of one core (all its threads). */
  serverCores: number;
  /** Where the machine's CPU went from the new process's "ready" to the end. */
  machine: CpuShares;
  complete: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU the server used over `windows` idle windows of `ms`, in µs per second, one figure per window. */
async function idleCpu(server: BenchServer, windows: number, ms: number): Promise<number[]> {
  const out: number[] = [];
  for (let w = 0; w < windows; w++) {
    const ns0 = server.cpuNanos();
    const t0 = performance.now();
    await sleep(ms);
    out.push((server.cpuNanos() - ns0) / 1e3 / ((performance.now() - t0) / 1000));
  }
  return out;
}

/**
 * One pass of a side: a new process, the warm-up, then each step's readings. The last pass
 * (`last`) also reads the heartbeat at each step, restarts the node for the storm, and
 * cleans the side up; an earlier pass reads memory only and stops its process.
 */
async function measure(side: Side, steps: number[], smoke: boolean, last: true): Promise<{ steps: Step[]; storm: Storm }>;
async function measure(side: Side, steps: number[], smoke: boolean, last: false): Promise<{ steps: Step[] }>;
async function measure(side: Side, steps: number[], smoke: boolean, last: boolean): Promise<{ steps: Step[]; storm?: Storm }> {
  const windows = !last ? 0 : smoke ? 1 : 3;
  const windowMs = smoke ? 1000 : PING_INTERVAL_MS;
  // The node restarts on the same port while every client tries to reconnect: a port
  // outside the range their connections take theirs from (freePort).
  const env = { ...side.env, PORT: String(await freePort()) };
  let server = new BenchServer(side.kind, env);
  await server.start();
  const total = steps.at(-1)!;
  const cookies = side.kind === "parley" ? await parleySessions(server, Math.min(1000, total / 10)) : [];
  const creator = await openClient(server, cookies[0]);
  const rooms: BenchRoom[] = [];
  for (let r = 0; r < total / PER_ROOM; r++) rooms.push(await makeRoom(side.kind, creator, `idle ${r} ${randomUUID().slice(0, 6)}`));
  creator.socket.close();
  const threads = loadThreads();
  const shards = Array.from({ length: threads }, () => new WorkerShard<IdleCommand, IdleReply>("idle-shard.mjs", { kind: side.kind, url: server.url }));
  const stateOf = async (acked: Record<string, number[]>) => {
    const states = await Promise.all(shards.map((s) => s.ask({ cmd: "state", acked }, "state")));
    const sum = (k: "clients" | "connected" | "rejoined" | "back" | "missing") => states.reduce((a, s) => a + s[k], 0);
    return { clients: sum("clients"), connected: sum("connected"), rejoined: sum("rejoined"), back: sum("back"), missing: sum("missing"), elu: Math.max(...states.map((s) => s.elu)) };
  };
  const ackedSoFar = async () => {
    const byRoom: Record<string, number[]> = {};
    for (const r of await Promise.all(shards.map((s) => s.ask({ cmd: "acked" }, "acked")))) {
      for (const [room, seqs] of Object.entries(r.byRoom)) (byRoom[room] ??= []).push(...seqs);
    }
    return byRoom;
  };
  try {
    // A warm-up: 500 clients connect, join a room and leave, so that what start-up left
    // for the collector and the allocator's first growth are behind the "before" reading
    // (without it, Parley's RSS per connection at 1,000 once came out at -18 KiB).
    const warm = await inBatches(Array.from({ length: 500 }, (_, i) => cookies[i % Math.max(1, cookies.length)]), 50, (cookie) => openClient(server, cookie));
    await inBatches(warm, 50, (c) => c.join(rooms[0]!));
    for (const c of warm) c.socket.close();
    await sleep(2000);
    await server.gc();
    await sleep(500);
    await server.gc();
    await sleep(500);
    const before = await server.stats();
    const idle = await idleCpu(server, windows, windowMs);
    const idleMedian = windows ? quartiles(idle).median : NaN;
    console.error(`    ${side.label}: ${windows ? `idle with no connection ${idleMedian.toFixed(0)} µs/s, ` : "a pass for memory only, "}RSS ${(before.rssBytes / 2 ** 20).toFixed(0)} MiB`);
    const results: Step[] = [];
    let opened = 0;
    for (const n of steps) {
      const members: IdleMember[][] = Array.from({ length: threads }, () => []);
      for (let g = opened; g < n; g++) {
        members[g % threads]!.push({ room: rooms[Math.floor(g / PER_ROOM)]!, cookie: cookies[g % Math.max(1, cookies.length)], talker: g % PER_ROOM === 0 });
      }
      const t0 = performance.now();
      await Promise.all(shards.map((s, i) => s.ask({ cmd: "open", members: members[i]! }, "opened")));
      const openMs = performance.now() - t0;
      opened = n;
      // Read as "before" was: two collections, so that both readings leave V8's heap alike.
      await sleep(2000);
      await server.gc();
      await sleep(500);
      await server.gc();
      await sleep(500);
      const after = await server.stats();
      const cpu = (await idleCpu(server, windows, windowMs)).map((us) => (us - idleMedian) / n);
      const step = { n, rss: after.rssBytes, rssPerConn: (after.rssBytes - before.rssBytes) / n, heapPerConn: (after.heapUsedBytes - before.heapUsedBytes) / n, cpuWindows: cpu };
      console.error(
        `    ${side.label} ${n}: opened in ${(openMs / 1000).toFixed(1)} s, RSS ${(step.rssPerConn / 1024).toFixed(1)} KiB/conn, heap ${(step.heapPerConn / 1024).toFixed(1)} KiB/conn (V8's pages ${((after.heapTotalBytes - before.heapTotalBytes) / n / 1024).toFixed(1)}, buffers ${((after.externalBytes - before.externalBytes) / n / 1024).toFixed(1)}), heartbeat ${cpu.map((c) => c.toFixed(3)).join(" / ")} µs/s per conn`,
      );
      results.push(step);
    }
    if (!last) return { steps: results };

    // The restart.
    const parley = side.kind === "parley";
    if (parley) await Promise.all(shards.map((s) => s.ask({ cmd: "talk", count: 3, wait: true }, "talked")));
    await Promise.all(shards.map((s) => s.ask({ cmd: "mark" }, "marked")));
    let talkedAfter: Promise<unknown> = Promise.resolve();
    if (parley) {
      // 5 messages in flight while the node stops, 5 more from each talker once it is back.
      await Promise.all(shards.map((s) => s.ask({ cmd: "talk", count: 5, wait: false }, "talked")));
      talkedAfter = Promise.all(shards.map((s) => s.ask({ cmd: "talk", count: 5, wait: true, onReconnect: true }, "talked")));
    }
    const stopped = performance.now();
    await server.stop();
    server = new BenchServer(side.kind, env);
    const spawned = performance.now();
    const restartMs = await server.start();
    const readyAt = performance.now();
    const readyCpu = server.cpuNanos();
    const readyMachine = readCpu(server.pid);
    let talked = !parley;
    void talkedAfter.then(() => (talked = true));
    const deadline = performance.now() + (smoke ? 60_000 : 180_000);
    let state = await stateOf({});
    let acked: Record<string, number[]> = {};
    let reported = performance.now();
    for (;;) {
      acked = parley ? await ackedSoFar() : {};
      state = await stateOf(acked);
      if (performance.now() - reported >= 5000) {
        reported = performance.now();
        console.error(`      +${((reported - spawned) / 1000).toFixed(0)} s: ${state.connected} connected, ${state.rejoined} rejoined, ${state.back} back; the server ${((server.cpuNanos() - readyCpu) / 1e6 / (reported - readyAt) * 100).toFixed(0)} % of a core so far`);
      }
      if ((talked && state.back === state.clients) || performance.now() > deadline) break;
      await sleep(100);
    }
    const done = performance.now();
    const serverCores = (server.cpuNanos() - readyCpu) / 1e6 / (done - readyAt);
    const machine = cpuShares(readyMachine, readCpu(server.pid));
    const complete = talked && state.back === state.clients;
    if (!complete) console.error(`    ${side.label}: storm incomplete: ${JSON.stringify(state)} talked ${talked}`);
    const storm = {
      ms: done - spawned,
      fromStopMs: done - stopped,
      restartMs,
      missing: state.missing,
      acked: Object.values(acked).reduce((a, s) => a + s.length, 0),
      generatorElu: state.elu,
      serverCores,
      machine,
      complete,
    };
    console.error(
      `    ${side.label} storm: ${state.back}/${state.clients} back in ${(storm.ms / 1000).toFixed(1)} s after the restart began (${(storm.fromStopMs / 1000).toFixed(1)} s after the stop; start-up ${(restartMs / 1000).toFixed(1)} s), ${storm.acked} acknowledged, ${storm.missing} missing; generator's busiest thread ${(storm.generatorElu * 100).toFixed(0)} % busy, the server ${(serverCores * 100).toFixed(0)} % of a core; ${describeShares(machine)}`,
    );
    return { steps: results, storm };
  } finally {
    for (const s of shards) s.close({ cmd: "close" });
    await sleep(500);
    await server.stop();
    if (last) await side.cleanup?.();
  }
}

/**
 * Parley's nodes listen on 8 sockets (LISTEN_SOCKETS, server/http/listen.ts), as a node meant
 * for thousands of connections should: a busy node accepts one connection per socket per
 * turn of its event loop. Node before 22.12 has no `reusePort`: one socket there.
 */
const LISTEN_SOCKETS = "8";

async function sides(): Promise<Side[]> {
  console.error(`    Parley listens on ${reusePortSupported() ? `${LISTEN_SOCKETS} sockets` : `one socket (LISTEN_SOCKETS needs Node 22.12+; this is ${process.versions.node})`}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-bench-conn-"));
  const out: Side[] = [
    { label: "bare Socket.IO", kind: "baseline", env: { PING_INTERVAL_MS: String(PING_INTERVAL_MS), PING_TIMEOUT_MS: String(PING_INTERVAL_MS) } },
    { label: "Parley on SQLite", kind: "parley", env: { DATABASE_URL: `file:${path.join(dir, "parley.db")}`, LISTEN_SOCKETS }, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) },
  ];
  const services = (await postgresReachable()) && (await redisReachable(TEST_REDIS_URL));
  if (!services) {
    if (process.env.PARLEY_REQUIRE_SERVICES === "1") throw new Error(`PostgreSQL (${TEST_POSTGRES_URL}) or Redis (${TEST_REDIS_URL}) is not reachable`);
    console.error(`    PostgreSQL or Redis is not reachable: Parley on PostgreSQL and Redis is left out`);
    return out;
  }
  const url = await createPostgresDatabase();
  out.push({
    label: "Parley on PostgreSQL + Redis",
    kind: "parley",
    env: { DATABASE_URL: url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `parley-bench-${randomUUID().slice(0, 8)}:`, LISTEN_SOCKETS },
    cleanup: () => dropDatabase(url),
  });
  return out;
}

/**
 * Item 3's memory verdict over passes: each pass's RSS per connection (`ours`) against the
 * baseline's pass taken just before it (`theirs`), in KiB. A pass whose reading did not grow, on
 * one side or the other (RSS can stay put while the warm-up's freed pages are reused: it once read -3 KiB
 * at 1,000) gives no ratio and is left out; with fewer than two ratios left (one, for a single
 * pass) there is no verdict. Passes that all meet the target, or all miss it, give that verdict
 * however far apart they are; passes that disagree are judged by their median, or are "too
 * noisy" when they spread wider than RSS_NOISE_BOUND of it. `shown` is the median pass, so that
 * the table's ratio is the one judged.
 */
export function rssVerdict(ours: readonly number[], theirs: readonly number[]): { judged: ReturnType<typeof ratioVerdict>; shown: number } {
  const passes = ours.length;
  const ratios = ours.map((kib, k) => ({ r: kib > 0 && theirs[k]! > 0 ? kib / theirs[k]! : NaN, k })).filter(({ r }) => Number.isFinite(r));
  const judged = ratioVerdict(
    ratios.map(({ r }) => r),
    RSS_LIMIT,
    RSS_NOISE_BOUND,
  );
  if (ratios.length < Math.min(2, passes)) judged.verdict = "not measurable";
  else if (new Set(ratios.map(({ r }) => r <= RSS_LIMIT)).size === 1) judged.verdict = ratios[0]!.r <= RSS_LIMIT ? "met" : "missed";
  const leftOut = passes - ratios.length;
  if (leftOut > 0) judged.spread += `; ${leftOut} pass${leftOut > 1 ? "es" : ""} with no growth left out`;
  const shown = ratios.length ? [...ratios].sort((a, b) => a.r - b.r)[Math.floor((ratios.length - 1) / 2)]!.k : passes - 1;
  return { judged, shown };
}

export async function connections(smoke: boolean): Promise<Row[]> {
  // The smoke run's steps are too small to judge RSS by (the warm-up's freed pages may hold
  // them) and its one-second windows too short to judge the heartbeat by: no verdicts there.
  // BENCH_CONNECTIONS_STEPS="1000,5000": other steps (the last one is the storm's).
  const wanted = process.env.BENCH_CONNECTIONS_STEPS ? process.env.BENCH_CONNECTIONS_STEPS.split(",").map(Number) : smoke ? [500, 1_000] : [1_000, 5_000, 20_000];
  // The server holds a descriptor per client, and so does this process (its threads share
  // one table): each needs the largest step and some room. Where the limit cannot be raised
  // that far (here: a hard limit of 20,000), the last step is the largest that fits, and says so.
  const limit = raiseFdLimit(wanted.at(-1)! + 1_000);
  const fits = Math.floor((limit - 500) / 500) * 500;
  const steps = wanted.map((n) => Math.min(n, fits));
  if (steps.at(-1)! < wanted.at(-1)!) console.error(`    the last step is ${steps.at(-1)} connections, not ${wanted.at(-1)}: ${limit} descriptors per process`);
  // RSS per connection is one reading of a process, and it moves between processes by about
  // as much as the target's margin (runs AN and AO: 1.08× and 1.20× at 19,500 for the same
  // code). So the full run reads memory over several passes, each side in turn with a new
  // process each time, and judges the median of the passes' ratios; the last pass also reads
  // the heartbeat and runs the storm. BENCH_CONNECTIONS_PASSES sets how many (the smoke run: one).
  const passes = smoke ? 1 : Math.max(1, Number(process.env.BENCH_CONNECTIONS_PASSES ?? 3));
  const all = await sides();
  const memory = new Map<Side, Step[][]>(all.map((side) => [side, []]));
  for (let pass = 1; pass < passes; pass++) {
    console.error(`    pass ${pass} of ${passes} (memory only)`);
    for (const side of all) memory.get(side)!.push((await measure(side, steps, smoke, false)).steps);
  }
  if (passes > 1) console.error(`    pass ${passes} of ${passes}`);
  const measured: Array<{ side: Side; steps: Step[]; storm: Storm; passes: Step[][] }> = [];
  for (const side of all) {
    const last = await measure(side, steps, smoke, true);
    measured.push({ side, ...last, passes: [...memory.get(side)!, last.steps] });
  }
  const [baseline, ...parleys] = measured;
  const rows: Row[] = [];
  const median = (s: Step) => quartiles(s.cpuWindows).median;
  const range = (s: Step) => `windows ${s.cpuWindows.map((c) => c.toFixed(3)).join(", ")} µs/s`;
  for (const p of parleys) {
    for (const [i, step] of p.steps.entries()) {
      const b = baseline!.steps[i]!;
      const s = `connections per node, ${p.side.label} (${step.n.toLocaleString("en-US")} idle)`;
      // Beside the figure from no connection, the marginal one from the previous step (what
      // each added connection cost), which a constant offset at the first reading does not move.
      const marginal = (steps: Step[]) => (i === 0 ? NaN : (steps[i]!.rss - steps[i - 1]!.rss) / (steps[i]!.n - steps[i - 1]!.n) / 1024);
      const perConn = (passes: Step[][]) => passes.map((steps) => steps[i]!.rssPerConn / 1024);
      const ours = perConn(p.passes);
      const theirs = perConn(baseline!.passes);
      const { judged, shown } = rssVerdict(ours, theirs);
      const kib = (values: number[]) => values.map((x) => x.toFixed(1)).join(" / ");
      rows.push({
        scenario: s,
        metric: `RSS per connection${passes > 1 ? ` (the median of ${passes} passes)` : ""}`,
        unit: "KiB",
        parley: ours[shown]!,
        baseline: theirs[shown]!,
        spread: [
          ...(passes > 1 ? [`ratios ${judged.spread}; passes ${kib(ours)} KiB (baseline ${kib(theirs)})`] : []),
          ...(i > 0 ? [`from the previous step, last pass: ${marginal(p.steps).toFixed(1)} KiB (baseline ${marginal(baseline!.steps).toFixed(1)})`] : []),
        ].join("; ") || undefined,
        // No verdict in the smoke run: its first step is as large as the warm-up, whose freed
        // pages the step reuses, so RSS there may not move at all (CI once read 0 KiB at 500).
        ...(!smoke ? { target: { text: `≤ ${RSS_LIMIT}× baseline`, verdict: judged.verdict } } : {}),
      });
      rows.push({ scenario: s, metric: "JS heap per connection", unit: "KiB", parley: step.heapPerConn / 1024, baseline: b.heapPerConn / 1024 });
      const first = p.steps[0]!;
      rows.push({
        scenario: s,
        metric: "heartbeat CPU per connection",
        unit: "µs/s",
        parley: median(step),
        baseline: median(b),
        spread: range(step),
        ...(i > 0 && !smoke ? { target: { text: `flat: ≤ 1.25× at ${first.n.toLocaleString("en-US")} (${median(first).toFixed(3)})`, met: median(step) <= 1.25 * median(first) } } : {}),
      });
    }
    const n = p.steps.at(-1)!.n;
    const s = `reconnect storm after a restart, ${p.side.label} (${n.toLocaleString("en-US")} clients)`;
    const storm = p.storm;
    rows.push({
      scenario: s,
      metric: "all back, rejoined and caught up (from the new process's start)",
      unit: "ms",
      parley: storm.complete ? storm.ms : NaN,
      baseline: baseline!.storm.complete ? baseline!.storm.ms : NaN,
      spread: `start-up ${Math.round(storm.restartMs)} ms; ${Math.round(storm.fromStopMs)} ms from the stop; generator's busiest thread ${Math.round(storm.generatorElu * 100)} % busy; the server ${Math.round(storm.serverCores * 100)} % of a core; ${describeShares(storm.machine)}`,
      target: { text: "< 10 s", met: storm.complete && storm.ms < 10_000 },
    });
    rows.push({
      scenario: s,
      metric: `acknowledged messages missing afterwards (${storm.acked} acknowledged, each due to ${PER_ROOM} clients)`,
      unit: "",
      parley: storm.missing,
      target: { text: "0", met: storm.complete && storm.missing === 0 && storm.acked > 0 },
      correctness: true,
    });
  }
  return rows;
}
