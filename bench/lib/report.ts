/**
 * A scenario's verdict on its target:
 * - "met" / "missed": the figure is on one side of the target, and the run was steady enough
 *   to say so;
 * - "too noisy": the rounds disagreed more than the scenario's stated bound, so the run says
 *   nothing either way (rerun on a quieter machine);
 * - "not measurable": a figure the verdict needs could not be measured (a reference that
 *   kept up at no rate at all); it fails the run like "missed".
 */
export type Verdict = "met" | "missed" | "too noisy" | "not measurable";

export interface Row {
  scenario: string;
  metric: string;
  unit: string;
  parley: number;
  /** The reference's figure (bare Socket.IO unless `reference` names another). */
  baseline?: number;
  /** What `baseline` measured, e.g. "durable floor"; the scenario's own baseline when absent. */
  reference?: string;
  /** How the figure varied between rounds, e.g. "IQR 1.21–1.30× over 7 rounds". */
  spread?: string;
  /** Parley's figure against the target: a description and the check (or a verdict of its own). */
  target?: { text: string; met?: boolean; verdict?: Verdict };
  /**
   * A correctness figure (nothing lost, nothing out of order): its target holds at any
   * load and size, so the smoke run fails when it is missed too.
   */
  correctness?: true;
}

/** Correctness rows whose target was missed: a smoke run fails on them. */
export const brokenPromises = (rows: Row[]): Row[] => rows.filter((r) => r.correctness && r.target && verdictOf(r.target) !== "met");

export const verdictOf = (target: NonNullable<Row["target"]>): Verdict => target.verdict ?? (target.met ? "met" : "missed");

const fmt = (n: number | undefined, unit: string) => {
  if (n === undefined) return "—";
  if (!Number.isFinite(n)) return "n/a";
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return `${n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 })} ${unit}`.trim();
};

/** The table for docs/performance.md, and the rows that fail the run ("missed", "not measurable"). */
export function report(rows: Row[]) {
  const lines = [
    "| scenario | metric | Parley | reference | its figure | ratio | spread | target | verdict |",
    "| --- | --- | ---: | --- | ---: | ---: | --- | --- | :---: |",
  ];
  for (const r of rows) {
    const ratio = r.baseline === undefined ? "—" : r.baseline !== 0 && Number.isFinite(r.baseline) && Number.isFinite(r.parley) ? `${(r.parley / r.baseline).toFixed(2)}×` : "n/a";
    const verdict = r.target ? verdictOf(r.target) : "";
    lines.push(
      `| ${r.scenario} | ${r.metric} | ${fmt(r.parley, r.unit)} | ${r.baseline === undefined ? "" : (r.reference ?? "baseline")} | ${fmt(r.baseline, r.unit)} | ${ratio} | ${r.spread ?? ""} | ${r.target?.text ?? ""} | ${verdict === "met" || verdict === "" ? verdict : `**${verdict}**`} |`,
    );
  }
  const failed = rows.filter((r) => r.target && (verdictOf(r.target) === "missed" || verdictOf(r.target) === "not measurable"));
  const noisy = rows.filter((r) => r.target && verdictOf(r.target) === "too noisy");
  return { markdown: lines.join("\n"), failed, noisy };
}

/**
 * What a smoke run checks: every comparison measured something on both sides. A row with
 * a baseline and a target (or a named reference, judged or not) whose Parley or reference
 * figure is zero, missing or not finite would let a verdict, or a ratio people read, rest on
 * a reference that measured nothing.
 */
export function emptyFigures(rows: Row[]): Row[] {
  const positive = (n: number | undefined) => n !== undefined && Number.isFinite(n) && n > 0;
  return rows.filter((r) => !Number.isFinite(r.parley) || (r.baseline !== undefined && (r.target || r.reference) && (!positive(r.parley) || !positive(r.baseline))));
}

/** Quartiles of a sample (linear interpolation). */
export function quartiles(values: readonly number[]): { q1: number; median: number; q3: number; min: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => {
    if (s.length === 0) return NaN;
    const i = p * (s.length - 1);
    const lo = Math.floor(i);
    const hi = Math.ceil(i);
    return s[lo]! + (s[hi]! - s[lo]!) * (i - lo);
  };
  return { q1: at(0.25), median: at(0.5), q3: at(0.75), min: s[0] ?? NaN, max: s.at(-1) ?? NaN };
}

/**
 * The verdict on a ratio measured over rounds against "≤ limit" (or "≥ limit" with
 * `atLeast`): "too noisy" when the inter-quartile range is wider than `noiseBound` × the
 * median, else by the median. Returns the verdict and the spread's description.
 */
export function ratioVerdict(ratios: readonly number[], limit: number, noiseBound: number, atLeast = false): { median: number; verdict: Verdict; spread: string } {
  const finite = ratios.filter(Number.isFinite);
  const q = quartiles(finite);
  const spread =
    finite.length === 0
      ? `no ratio in ${ratios.length} rounds`
      : `median ${q.median.toFixed(2)}×, IQR ${q.q1.toFixed(2)}–${q.q3.toFixed(2)}×, range ${q.min.toFixed(2)}–${q.max.toFixed(2)}× over ${finite.length}${finite.length < ratios.length ? ` of ${ratios.length}` : ""} rounds`;
  if (ratios.length === 0 || !ratios.every(Number.isFinite)) return { median: q.median, verdict: "not measurable", spread };
  const width = (q.q3 - q.q1) / q.median;
  if (width > noiseBound) return { median: q.median, verdict: "too noisy", spread: `${spread} (IQR wider than ${Math.round(noiseBound * 100)} % of the median)` };
  const met = atLeast ? q.median >= limit : q.median <= limit;
  return { median: q.median, verdict: met ? "met" : "missed", spread };
}
