import { LoadGenerator, type LoadResult } from "../lib/load";
import { quartiles, ratioVerdict, type Row } from "../lib/report";
import { BenchServer } from "../lib/targets";

/**
 * Keeping up: (nearly) every delivery made, with p99 under 100 ms. A server falling behind
 * builds a queue over a 3-second step; a one-second p99 would still count that as
 * sustained (docs/performance.md, run D).
 */
const keepsUp = (r: LoadResult) => r.ratio >= 0.99 && r.latency.p99 < 100;

const RATES = [50, 100, 200, 300, 400, 600, 800, 1000, 1300, 1600, 2000, 2500, 3200];

const KINDS = ["baseline", "parley"] as const;

/**
 * Both servers running at once, each with `rooms × perRoom` clients (10 senders a room),
 * for `fn` to measure in turn: both servers' figures then come from the same minutes of
 * this shared machine.
 */
async function sideBySide<T>(rooms: number, perRoom: number, fn: (loads: readonly LoadGenerator[]) => Promise<T>): Promise<T> {
  const servers = KINDS.map((k) => new BenchServer(k));
  await Promise.all(servers.map((s) => s.start()));
  try {
    const loads: LoadGenerator[] = [];
    for (const server of servers) loads.push(await LoadGenerator.open(server, rooms, perRoom, 10));
    try {
      return await fn(loads);
    } finally {
      for (const load of loads) load.close();
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/**
 * Runs `measure` on each server in turn, `rounds` times, alternating which goes first (a
 * trend in the machine's load then favours neither), and returns each round's pair.
 */
async function interleaved<T>(loads: readonly LoadGenerator[], rounds: number, measure: (load: LoadGenerator, kind: (typeof KINDS)[number], round: number) => Promise<T>) {
  const out: Array<{ baseline: T; parley: T }> = [];
  for (let round = 0; round < rounds; round++) {
    const pair: Partial<Record<(typeof KINDS)[number], T>> = {};
    for (const k of round % 2 === 0 ? [0, 1] : [1, 0]) pair[KINDS[k]!] = await measure(loads[k]!, KINDS[k]!, round);
    out.push(pair as { baseline: T; parley: T });
  }
  return out;
}

/**
 * One server's search for its knee. It raises the rate in steps until a step falls behind,
 * then halves the gap between the last step that kept up and the first that did not, three
 * times (to about 1/8 of a step). If the very first step falls behind, it steps down (halving
 * the rate) until one keeps up: a knee is never recorded as 0. Below `MIN_RATE` it gives up:
 * the knee is "not measurable" (`best` stays undefined) and the run fails.
 */
const MIN_RATE = 10;
export class KneeSearch {
  best: LoadResult | undefined;
  private low = 0;
  private high: number | undefined;
  private halvings = 0;
  private climbed = 0;
  constructor(private readonly rates: readonly number[]) {}

  /** The next rate to try, or undefined when the search is over. */
  next(): number | undefined {
    if (this.high === undefined) return this.rates[this.climbed];
    if (this.low === 0) {
      // Nothing kept up yet: step down.
      const lower = Math.floor(this.high / 2);
      return lower >= MIN_RATE ? lower : undefined;
    }
    if (this.halvings >= 3) return undefined;
    const mid = Math.round((this.low + this.high) / 2 / 10) * 10;
    return mid <= this.low || mid >= this.high ? undefined : mid;
  }

  record(rate: number, r: LoadResult) {
    const ok = keepsUp(r);
    if (ok && (!this.best || r.deliveriesPerSec > this.best.deliveriesPerSec)) this.best = r;
    if (this.high === undefined) {
      if (ok) {
        this.low = rate;
        this.climbed++;
      } else this.high = rate;
    } else if (this.low === 0) {
      if (ok) this.low = rate;
      else this.high = rate;
    } else {
      this.halvings++;
      if (ok) this.low = rate;
      else this.high = rate;
    }
  }
}

interface KneeRound {
  baseline: LoadResult | undefined;
  parley: LoadResult | undefined;
  ratio: number;
}

/**
 * Both servers' knees for `rooms × perRoom`, found side by side: the two servers run at
 * once, and each rate step is tried on one, then the other, so both knees come from the
 * same minutes of this shared machine. Three rounds (one in a smoke run); later rounds
 * start at half the previous knee, since every step below it kept up. Returns every round.
 */
async function pairedKnees(rooms: number, perRoom: number, smoke: boolean): Promise<KneeRound[]> {
  return sideBySide(rooms, perRoom, async (loads) => {
    const rounds: KneeRound[] = [];
    for (let round = 0; round < (smoke ? 1 : 3); round++) {
      const previous = rounds.at(-1);
      const searches = KINDS.map((kind) => {
        const knee = previous?.[kind]?.rate ?? 0;
        return new KneeSearch(smoke ? [20] : RATES.filter((r) => r >= knee / 2));
      });
      for (;;) {
        const steps = searches.map((search) => search.next());
        if (steps.every((rate) => rate === undefined)) break;
        for (const [k, kind] of KINDS.entries()) {
          const rate = steps[k];
          if (rate === undefined) continue;
          const r = await loads[k]!.run({ rate, durationMs: smoke ? 1000 : 3000 });
          console.error(
            `    round ${round + 1} ${kind} ${rooms}×${perRoom} at ${rate}/s: ${Math.round(r.deliveriesPerSec)} deliveries/s, ratio ${r.ratio.toFixed(3)}, p99 ${r.latency.p99.toFixed(1)} ms, ` +
              `server cpu ${r.server.cpuPercent.toFixed(0)} %, generator ${r.generator.threads} threads, busiest ${(r.generator.eluMax * 100).toFixed(0)} % busy`,
          );
          searches[k]!.record(rate, r);
          // A step that fell behind leaves a queue: let it drain before the next one.
          await new Promise((res) => setTimeout(res, keepsUp(r) ? 500 : 2000));
        }
      }
      const [baseline, parley] = searches.map((s) => s.best);
      // A side without a knee makes the round's ratio not finite: the verdict is then "not measurable".
      const ratio = baseline && parley ? parley.deliveriesPerSec / baseline.deliveriesPerSec : NaN;
      console.error(`    round ${round + 1}: Parley ${Math.round(parley?.deliveriesPerSec ?? 0)}, baseline ${Math.round(baseline?.deliveriesPerSec ?? 0)} deliveries/s: ${ratio.toFixed(2)}×`);
      rounds.push({ baseline, parley, ratio });
    }
    return rounds;
  });
}

/** Knees disagree between rounds more than anything else measured here. */
const KNEE_NOISE_BOUND = 0.5;

export async function fanout(smoke: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [rooms, perRoom] of smoke ? [[1, 20]] : [[1, 100], [10, 100]]) {
    const rounds = await pairedKnees(rooms!, perRoom!, smoke);
    const { median, verdict, spread } = ratioVerdict(
      rounds.map((r) => r.ratio),
      0.8,
      KNEE_NOISE_BOUND,
      true,
    );
    const figure = (kind: (typeof KINDS)[number]) => quartiles(rounds.map((r) => r[kind]?.deliveriesPerSec ?? NaN)).median;
    console.error(`    ${rooms}×${perRoom}: ${spread}: ${verdict}`);
    rows.push({
      scenario: `fan-out ${rooms}×${perRoom}`,
      metric: "max sustained deliveries/s",
      unit: "/s",
      parley: figure("parley"),
      baseline: figure("baseline"),
      spread,
      target: { text: `≥ 0.8× baseline (median ratio ${Number.isFinite(median) ? median.toFixed(2) : "n/a"}×)`, verdict },
    });
  }
  return rows;
}

/** Latency windows on a shared machine: a bound on the p99 ratios' IQR, as a share of their median. */
const LATENCY_NOISE_BOUND = 0.5;

/**
 * 200 messages a second into one room of 100. Both servers run side by side and take
 * turns in short windows (2 s each, 12 pairs; one pair of 1 s in a smoke run), alternating
 * which goes first. Each pair gives a p99 ratio; the verdict is the median ratio, unless the
 * ratios' inter-quartile range is wider than half the median ("too noisy").
 */
export async function latency(smoke: boolean): Promise<Row[]> {
  const perRoom = smoke ? 20 : 100;
  const pairs = await sideBySide(1, perRoom, async (loads) => {
    for (const load of loads) await load.run({ rate: 200, durationMs: 1000 }); // warm-up
    return interleaved(loads, smoke ? 1 : 12, async (load, kind, round) => {
      const r = await load.run({ rate: 200, durationMs: smoke ? 1000 : 2000 });
      console.error(`    pair ${round + 1} ${kind}: p50 ${r.latency.p50.toFixed(2)} ms, p99 ${r.latency.p99.toFixed(2)} ms, ack p99 ${r.ack.p99.toFixed(2)} ms, server cpu ${r.server.cpuPercent.toFixed(0)} %`);
      return r;
    });
  });
  const { verdict, spread } = ratioVerdict(
    pairs.map((p) => p.parley.latency.p99 / p.baseline.latency.p99),
    1.5,
    LATENCY_NOISE_BOUND,
  );
  console.error(`    p99 ratios: ${spread}: ${verdict}`);
  const med = (kind: (typeof KINDS)[number], f: (r: LoadResult) => number) => quartiles(pairs.map((p) => f(p[kind]))).median;
  const row = (metric: string, unit: string, f: (r: LoadResult) => number, extra: Partial<Row> = {}): Row => ({
    scenario: `latency 200/s × ${perRoom}`,
    metric,
    unit,
    parley: med("parley", f),
    baseline: med("baseline", f),
    ...extra,
  });
  return [
    row("send→receive p50 (median window)", "ms", (r) => r.latency.p50),
    row("send→receive p99 (median window)", "ms", (r) => r.latency.p99, { spread, target: { text: "≤ 1.5× baseline", verdict } }),
    row("send→receive max (median window)", "ms", (r) => r.latency.max),
    row("ack p99 (median window)", "ms", (r) => r.ack.p99),
    row("delivery ratio (median window)", "", (r) => r.ratio),
    row("server CPU", "%", (r) => r.server.cpuPercent),
    row("server RSS", "MiB", (r) => r.server.rssBytes / 2 ** 20),
    row("event-loop delay p99", "ms", (r) => r.server.eldP99Ms),
  ];
}

/** CPU per message on a shared machine: a bound on the ratios' IQR, as a share of their median. */
const CPU_NOISE_BOUND = 0.15;

/**
 * The primary figure: each server's user + system CPU per message and per delivery, at fixed
 * rates below both knees (200, 500 and 1,000 msg/s into one room of 100; 200 and 500 into
 * ten), from /proc. The two servers take turns in 3-second windows (six
 * pairs, alternating which goes first); each pair gives a ratio, and the verdict is their
 * median, unless their inter-quartile range is wider than 15 % of it ("too noisy"). CPU time
 * is far less sensitive to a neighbour's load than latency or a knee.
 */
export async function cpu(smoke: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  // 1,000 msg/s into one room of 100 is still below both knees there (about 1,300 and 2,000
  // msg/s in run J); at that rate Parley's commits start to hold several messages each.
  const setups: Array<[rooms: number, perRoom: number, rates: number[]]> = smoke ? [[1, 20, [50]]] : [[1, 100, [200, 500, 1000]], [10, 100, [200, 500]]];
  for (const [rooms, perRoom, rates] of setups) {
    await sideBySide(rooms, perRoom, async (loads) => {
      for (const rate of rates) {
        for (const load of loads) await load.run({ rate, durationMs: 1000 }); // warm-up
        const pairs = await interleaved(loads, smoke ? 1 : 6, async (load, kind, round) => {
          const r = await load.run({ rate, durationMs: smoke ? 1000 : 3000 });
          const perMessageUs = (r.serverCpuSeconds / r.sent) * 1e6;
          console.error(
            `    ${rooms}×${perRoom} at ${rate}/s, pair ${round + 1} ${kind}: ${perMessageUs.toFixed(0)} µs/message, ${((r.serverCpuSeconds / r.delivered) * 1e6).toFixed(2)} µs/delivery, delivery ratio ${r.ratio.toFixed(3)}`,
          );
          return r;
        });
        const perMessage = (r: LoadResult) => (r.serverCpuSeconds / r.sent) * 1e6;
        const perDelivery = (r: LoadResult) => (r.serverCpuSeconds / r.delivered) * 1e6;
        const behind = pairs.filter((p) => p.parley.ratio < 0.99 || p.baseline.ratio < 0.99).length;
        const judged = ratioVerdict(
          pairs.map((p) => perMessage(p.parley) / perMessage(p.baseline)),
          1.25,
          CPU_NOISE_BOUND,
        );
        // Above a knee a server's queue grows and its figure is not per message any more.
        const verdict = behind > 0 && judged.verdict !== "too noisy" ? "not measurable" : judged.verdict;
        const spread = `${judged.spread}${behind > 0 ? `; a server fell behind in ${behind} pairs` : ""}`;
        console.error(`    ${rooms}×${perRoom} at ${rate}/s: ${spread}: ${verdict}`);
        const s = `CPU ${rooms}×${perRoom} at ${rate} msg/s`;
        const med = (kind: (typeof KINDS)[number], f: (r: LoadResult) => number) => quartiles(pairs.map((p) => f(p[kind]))).median;
        rows.push(
          { scenario: s, metric: "server CPU per message", unit: "µs", parley: med("parley", perMessage), baseline: med("baseline", perMessage), spread, target: { text: "≤ 1.25× baseline", verdict } },
          { scenario: s, metric: "server CPU per delivery", unit: "µs", parley: med("parley", perDelivery), baseline: med("baseline", perDelivery) },
        );
      }
    });
  }
  return rows;
}
