/**
 * Feature selection on the training table: drop constant columns and one of each highly correlated pair
 * (multicollinearity), and summarize the correlation structure with a PCA of the standardized features.
 */
import { FeatureTable } from './table.js';

export interface Pruning {
  keep: number[];
  dropped: { name: string; reason: string }[];
  /** Pairs with |r| above the report threshold (before pruning), strongest first. */
  correlatedPairs: { a: string; b: string; r: number }[];
}

export interface PcaSummary {
  /** Share of total variance explained by each of the top components. */
  explained: number[];
  /** Components needed for 90% of the variance. */
  componentsFor90: number;
  /** For the top components: the three features with the largest |loading|. */
  top: { component: number; features: { name: string; loading: number }[] }[];
}

/** Column means/stds over non-missing values; NaN stays NaN after standardization is replaced by 0. */
function standardized(t: FeatureTable, maxRows: number): { z: Float64Array[]; n: number; std: number[] } {
  const step = Math.max(1, Math.floor(t.nRows / maxRows));
  const rows: number[] = [];
  for (let i = 0; i < t.nRows; i += step) rows.push(i);
  const z: Float64Array[] = [];
  const stds: number[] = [];
  for (let j = 0; j < t.nFeatures; j++) {
    const col = t.column(j);
    let s = 0;
    let s2 = 0;
    let n = 0;
    for (const i of rows) {
      const v = col[i] as number;
      if (!Number.isNaN(v)) (s += v), (s2 += v * v), n++;
    }
    const mean = n ? s / n : 0;
    const sd = n ? Math.sqrt(Math.max(0, s2 / n - mean * mean)) : 0;
    stds.push(sd);
    z.push(Float64Array.from(rows, (i) => (Number.isNaN(col[i] as number) || sd === 0 ? 0 : ((col[i] as number) - mean) / sd)));
  }
  return { z, n: rows.length, std: stds };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Correlation matrix of standardized columns (missing = mean), on at most `maxRows` evenly spaced rows. */
export function correlations(t: FeatureTable, maxRows = 20_000): { r: Float64Array[]; std: number[] } {
  const { z, n, std } = standardized(t, maxRows);
  const r = z.map((a) => Float64Array.from(z, (b) => dot(a, b) / n));
  return { r, std };
}

export function prune(t: FeatureTable, threshold = 0.95, reportAbove = 0.8): Pruning {
  const { r, std } = correlations(t);
  const dropped: Pruning['dropped'] = [];
  const keep: number[] = [];
  const pairs: Pruning['correlatedPairs'] = [];
  for (let j = 0; j < t.nFeatures; j++) {
    for (let k = 0; k < j; k++) {
      const v = r[j]![k] as number;
      if (Math.abs(v) >= reportAbove) pairs.push({ a: t.names[k]!, b: t.names[j]!, r: v });
    }
    if (std[j] === 0) {
      dropped.push({ name: t.names[j]!, reason: 'constant on the training rows' });
      continue;
    }
    const twin = keep.find((k) => Math.abs(r[j]![k] as number) >= threshold);
    if (twin !== undefined) dropped.push({ name: t.names[j]!, reason: `|r| = ${Math.abs(r[j]![twin] as number).toFixed(3)} with ${t.names[twin]}` });
    else keep.push(j);
  }
  pairs.sort((a, b) => Math.abs(b.r) - Math.abs(a.r));
  return { keep, dropped, correlatedPairs: pairs.slice(0, 20) };
}

/** Top eigenpairs of the correlation matrix by power iteration with deflation. */
export function pca(t: FeatureTable, components = 5): PcaSummary {
  const { r } = correlations(t);
  const d = r.length;
  const m = r.map((row) => Float64Array.from(row));
  const trace = m.reduce((s, row, i) => s + (row[i] as number), 0) || 1;
  const explained: number[] = [];
  const top: PcaSummary['top'] = [];
  for (let c = 0; c < Math.min(components, d); c++) {
    let v = Float64Array.from({ length: d }, (_, i) => 1 / Math.sqrt(d) + i * 1e-3);
    let lambda = 0;
    for (let it = 0; it < 200; it++) {
      const w = Float64Array.from(m, (row) => dot(row, v));
      const norm = Math.sqrt(dot(w, w)) || 1;
      lambda = dot(v, w);
      v = w.map((x) => x / norm);
    }
    explained.push(Math.max(0, lambda) / trace);
    const loads = Array.from(v, (x, i) => ({ name: t.names[i]!, loading: x })).sort((a, b) => Math.abs(b.loading) - Math.abs(a.loading));
    top.push({ component: c + 1, features: loads.slice(0, 3) });
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) m[i]![j] = (m[i]![j] as number) - lambda * (v[i] as number) * (v[j] as number);
  }
  let cum = 0;
  let k = 0;
  while (k < explained.length && cum < 0.9) cum += explained[k++] as number;
  return { explained, componentsFor90: cum >= 0.9 ? k : -1, top };
}

/** The same table restricted to `keep` columns. */
export function selectColumns(t: FeatureTable, keep: number[]): FeatureTable {
  const n = t.nRows;
  const x = new Float32Array(n * keep.length);
  keep.forEach((j, k) => x.set(t.column(j), k * n));
  return new FeatureTable(keep.map((j) => t.names[j]!), n, x, t.y, t.rows, t.pTrue);
}
