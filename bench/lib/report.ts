export interface Row {
  scenario: string;
  metric: string;
  unit: string;
  parley: number;
  baseline?: number;
  /** Parley's figure against the target: a description and the check. */
  target?: { text: string; met: boolean };
}

const fmt = (n: number | undefined, unit: string) => {
  if (n === undefined) return "—";
  if (!Number.isFinite(n)) return "n/a";
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return `${n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 })} ${unit}`.trim();
};

/** The table for docs/performance.md, and the rows whose target was missed. */
export function report(rows: Row[]) {
  const lines = [
    "| scenario | metric | Parley | baseline | ratio | target | met |",
    "| --- | --- | ---: | ---: | ---: | --- | :---: |",
  ];
  for (const r of rows) {
    const ratio = r.baseline !== undefined && r.baseline !== 0 && Number.isFinite(r.baseline) ? `${(r.parley / r.baseline).toFixed(2)}×` : "—";
    lines.push(
      `| ${r.scenario} | ${r.metric} | ${fmt(r.parley, r.unit)} | ${fmt(r.baseline, r.unit)} | ${ratio} | ${r.target?.text ?? ""} | ${r.target ? (r.target.met ? "yes" : "**no**") : ""} |`,
    );
  }
  return { markdown: lines.join("\n"), failed: rows.filter((r) => r.target && !r.target.met) };
}
