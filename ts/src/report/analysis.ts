/** Error analysis of the best model on the test set: where it is wrong, by segment. */
import type { Dataset } from '../data/schema.js';
import type { FeatureTable } from '../features/table.js';

export interface Segment {
  segment: string;
  n: number;
  likeRate: number;
  errorRate: number;
  meanP: number;
}

export interface ErrorAnalysis {
  threshold: number;
  errorRate: number;
  bySegment: { dimension: string; segments: Segment[] }[];
  /** Confidently wrong predictions: p >= 0.8 but not liked, p <= 0.2 but liked. */
  confidentFalsePositives: number;
  confidentFalseNegatives: number;
}

function segments(dimension: string, keys: string[], test: FeatureTable, p: Float32Array, threshold: number): { dimension: string; segments: Segment[] } {
  const acc = new Map<string, { n: number; liked: number; wrong: number; p: number }>();
  keys.forEach((k, i) => {
    const a = acc.get(k) ?? { n: 0, liked: 0, wrong: 0, p: 0 };
    const y = test.y[i] as number;
    const pi = p[i] as number;
    a.n++;
    a.liked += y;
    a.wrong += Number((pi >= threshold ? 1 : 0) !== y);
    a.p += pi;
    acc.set(k, a);
  });
  const segs = [...acc].map(([segment, a]) => ({ segment, n: a.n, likeRate: a.liked / a.n, errorRate: a.wrong / a.n, meanP: a.p / a.n }));
  segs.sort((a, b) => a.segment.localeCompare(b.segment, 'en', { numeric: true }));
  return { dimension, segments: segs };
}

const band = (v: number, edges: number[], labels: string[]) => (Number.isNaN(v) ? 'unknown' : labels[edges.findIndex((e) => v < e)] ?? labels[labels.length - 1]!);

export function analyzeErrors(ds: Dataset, test: FeatureTable, p: Float32Array, trainCounts: { user: Float64Array; movie: Float64Array }, userRow: Int32Array, movieRow: Int32Array, threshold = 0.5): ErrorAnalysis {
  const rows = Array.from(test.rows);
  const userHistory = rows.map((r) => band(trainCounts.user[userRow[r]!]!, [1, 5, 20, 50], ['0 (cold)', '1-4', '5-19', '20-49', '50+']));
  const moviePop = rows.map((r) => band(trainCounts.movie[movieRow[r]!]!, [1, 10, 50, 200], ['0 (new)', '1-9', '10-49', '50-199', '200+']));
  const genre = rows.map((r) => {
    const mask = ds.movies.genres[movieRow[r]!]!;
    const g = ds.genres.findIndex((_, k) => (mask >>> k) & 1);
    return g < 0 ? 'none' : ds.genres[g]!;
  });
  const age = rows.map((r) => band(ds.users.age[userRow[r]!]!, [25, 35, 45, 55], ['<25', '25-34', '35-44', '45-54', '55+']));
  let wrong = 0;
  let cfp = 0;
  let cfn = 0;
  p.forEach((pi, i) => {
    const y = test.y[i] as number;
    if ((pi >= threshold ? 1 : 0) !== y) wrong++;
    if (pi >= 0.8 && y === 0) cfp++;
    if (pi <= 0.2 && y === 1) cfn++;
  });
  return {
    threshold,
    errorRate: wrong / Math.max(1, p.length),
    bySegment: [
      segments('user history (training interactions)', userHistory, test, p, threshold),
      segments('movie popularity (training interactions)', moviePop, test, p, threshold),
      segments('first genre of the movie', genre, test, p, threshold),
      segments('user age', age, test, p, threshold),
    ],
    confidentFalsePositives: cfp,
    confidentFalseNegatives: cfn,
  };
}
