import { LoadGenerator, type LoadResult } from "../lib/load";
import type { Row } from "../lib/report";
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

/** The item whose ratio is the median of all (the middle round of three). */
function median<T>(items: readonly T[], ratio: (item: T) => number): T {
  return [...items].sort((a, b) => ratio(a) - ratio(b))[Math.floor(items.length / 2)]!;
}

/**
 * One server's search for its knee: it raises the rate in steps until a step falls behind,
 * then halves the gap between the last step that kept up and the first that did not, three
 * times (to about 1/8 of a step). `best` is the best rate that kept up.
 */
class KneeSearch {
  best: LoadResult | undefined;
  private low = 0;
  private high: number | undefined;
  private halvings = 0;
  private climbed = 0;
  constructor(private readonly rates: readonly number[]) {}

  /** The next rate to try, or undefined when the search is over. */
  next(): number | undefined {
    if (this.high === undefined) return this.rates[this.climbed];
    if (this.low === 0 || this.halvings >= 3) return undefined;
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
      const ratio = (parley?.deliveriesPerSec ?? 0) / (baseline?.deliveriesPerSec ?? Infinity);
      console.error(`    round ${round + 1}: Parley ${Math.round(parley?.deliveriesPerSec ?? 0)}, baseline ${Math.round(baseline?.deliveriesPerSec ?? 0)} deliveries/s: ${ratio.toFixed(2)}×`);
      rounds.push({ baseline, parley, ratio });
    }
    return rounds;
  });
}

export async function fanout(smoke: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [rooms, perRoom] of smoke ? [[1, 20]] : [[1, 100], [10, 100]]) {
    const rounds = await pairedKnees(rooms!, perRoom!, smoke);
    console.error(`    ${rooms}×${perRoom} ratios by round: ${rounds.map((r) => `${r.ratio.toFixed(2)}×`).join(", ")}`);
    // The median round: its two figures come from the same minutes.
    const { baseline, parley } = median(rounds, (r) => r.ratio);
    const p = parley?.deliveriesPerSec ?? 0;
    const b = baseline?.deliveriesPerSec ?? 0;
    rows.push({
      scenario: `fan-out ${rooms}×${perRoom}`,
      metric: "max sustained deliveries/s",
      unit: "/s",
      parley: p,
      baseline: b,
      target: { text: "≥ 0.8× baseline", met: p >= 0.8 * b },
    });
  }
  return rows;
}

/**
 * 200 messages a second into one room of 100. Both servers run side by side and are
 * measured in turn: three rounds (one in a smoke run) of a 10-second run on each. The
 * rows are the round whose p99 ratio is the median of the three, so one noisy moment on
 * the shared machine decides less, and both figures still come from the same minute.
 */
export async function latency(smoke: boolean): Promise<Row[]> {
  const rounds = smoke ? 1 : 3;
  const runs = await sideBySide(1, smoke ? 20 : 100, async (loads) => {
    const runs: Array<{ baseline: LoadResult; parley: LoadResult }> = [];
    for (const load of loads) await load.run({ rate: 200, durationMs: 1000 }); // warm-up
    for (let i = 0; i < rounds; i++) {
      const round: LoadResult[] = [];
      for (const [k, kind] of KINDS.entries()) {
        const r = await loads[k]!.run({ rate: 200, durationMs: smoke ? 1000 : 10_000 });
        console.error(`    ${kind} run ${i + 1}: p50 ${r.latency.p50.toFixed(2)} ms, p99 ${r.latency.p99.toFixed(2)} ms, ack p99 ${r.ack.p99.toFixed(2)} ms, server cpu ${r.server.cpuPercent.toFixed(0)} %`);
        round.push(r);
      }
      runs.push({ baseline: round[0]!, parley: round[1]! });
    }
    return runs;
  });
  const p99Ratio = (run: (typeof runs)[number]) => run.parley.latency.p99 / run.baseline.latency.p99;
  console.error(`    p99 ratios by round: ${runs.map((r) => `${p99Ratio(r).toFixed(2)}×`).join(", ")}`);
  const { baseline: b, parley: p } = median(runs, p99Ratio);
  const s = `latency 200/s × ${smoke ? 20 : 100}`;
  return [
    { scenario: s, metric: "send→receive p50", unit: "ms", parley: p.latency.p50, baseline: b.latency.p50 },
    {
      scenario: s,
      metric: "send→receive p99",
      unit: "ms",
      parley: p.latency.p99,
      baseline: b.latency.p99,
      target: { text: "≤ 1.5× baseline and < 25 ms", met: p.latency.p99 <= 1.5 * b.latency.p99 && p.latency.p99 < 25 },
    },
    { scenario: s, metric: "send→receive max", unit: "ms", parley: p.latency.max, baseline: b.latency.max },
    { scenario: s, metric: "ack p99", unit: "ms", parley: p.ack.p99, baseline: b.ack.p99 },
    { scenario: s, metric: "delivery ratio", unit: "", parley: p.ratio, baseline: b.ratio },
    { scenario: s, metric: "server CPU", unit: "%", parley: p.server.cpuPercent, baseline: b.server.cpuPercent },
    { scenario: s, metric: "server RSS", unit: "MiB", parley: p.server.rssBytes / 2 ** 20, baseline: b.server.rssBytes / 2 ** 20 },
    { scenario: s, metric: "event-loop delay p99", unit: "ms", parley: p.server.eldP99Ms, baseline: b.server.eldP99Ms },
  ];
}
