/**
 * Writes the pipeline's own train/test split of the ratings as one CSV, so every collaborative-filtering
 * contender (ours through the engine, bench/collab-fit.ts; Surprise and implicit, bench/collab_peers.py)
 * fits and scores exactly the same (user, item) pairs. Prints one JSON line (sizes, cold-start counts).
 *
 *   node --import tsx bench/ratings-export.ts (--movielens DIR | --synthetic full) --split user-overlap|temporal --out FILE [--seed 42]
 *
 * The split is the pipeline's (ts/src/pipeline/split.ts, seeded as fitPipeline seeds it from the root
 * seed, test fraction 0.2); the synthetic data is `moviepref generate --mode full --seed <seed>`.
 * File: header `set,user,item,rating,liked`, then one line per interaction, set = train | test, user and
 * item = the dataset's ids, rating = 1-5 stars, liked = 0/1 (the pipeline's label).
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { Dataset } from '../ts/src/data/schema.js';
import { SIZES } from '../ts/src/data/synth.js';
import { type DataSource, loadDataset } from '../ts/src/pipeline/dataset.js';
import { deriveSeed } from '../ts/src/pipeline/seeds.js';
import { type SplitKind, splitDataset } from '../ts/src/pipeline/split.js';

export const TEST_FRACTION = 0.2;
export const HEADER = 'set,user,item,rating,liked';

/** One side of a split, as the typed arrays the engine's collaborative fit takes. */
export interface RatingsPart {
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
  liked: Uint8Array;
}

export interface Ratings {
  train: RatingsPart;
  test: RatingsPart;
}

function part(ds: Dataset, rows: Uint32Array): RatingsPart {
  const { user, movie, rating, liked } = ds.interactions;
  const pick = <T extends Int32Array | Float32Array | Uint8Array>(src: T, out: T): T => {
    for (let k = 0; k < rows.length; k++) out[k] = src[rows[k] as number] as number;
    return out;
  };
  const n = rows.length;
  return { users: pick(user, new Int32Array(n)), items: pick(movie, new Int32Array(n)), ratings: pick(rating, new Float32Array(n)), liked: pick(liked, new Uint8Array(n)) };
}

/** The pipeline's split of `ds` for root seed `seed`, as rating triples plus the liked label. */
export function splitRatings(ds: Dataset, kind: SplitKind, seed: number): Ratings {
  const split = splitDataset(ds, kind, TEST_FRACTION, deriveSeed(seed, 'split'));
  return { train: part(ds, split.train), test: part(ds, split.test) };
}

/** Test rows whose user (item, either) never occurs in training: every contender must still score them. */
export function coldCounts(r: Ratings): { cold_users: number; cold_items: number; cold_rows: number } {
  const users = new Set(r.train.users);
  const items = new Set(r.train.items);
  let coldUsers = 0;
  let coldItems = 0;
  let coldRows = 0;
  for (let k = 0; k < r.test.users.length; k++) {
    const u = !users.has(r.test.users[k] as number);
    const i = !items.has(r.test.items[k] as number);
    coldUsers += Number(u);
    coldItems += Number(i);
    coldRows += Number(u || i);
  }
  return { cold_users: coldUsers, cold_items: coldItems, cold_rows: coldRows };
}

export function writeRatings(path: string, r: Ratings): void {
  const tmp = `${path}.tmp`;
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${HEADER}\n`);
    for (const [name, p] of [['train', r.train], ['test', r.test]] as const) {
      const lines: string[] = [];
      for (let k = 0; k < p.users.length; k++) lines.push(`${name},${p.users[k]},${p.items[k]},${p.ratings[k]},${p.liked[k]}`);
      writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Reads a file written by writeRatings (the bench's own format; anything else is refused by line). */
export function readRatings(path: string): Ratings {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines[0] !== HEADER) throw new Error(`${path}: line 1 must be '${HEADER}'`);
  const rows: Record<'train' | 'test', number[][]> = { train: [], test: [] };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const [set, ...rest] = line.split(',');
    const v = rest.map(Number);
    if ((set !== 'train' && set !== 'test') || v.length !== 4 || !v.every(Number.isFinite)) throw new Error(`${path}: line ${i + 1}: expected ${HEADER}, got '${line.slice(0, 80)}'`);
    rows[set].push(v);
  }
  const toPart = (r: number[][]): RatingsPart => ({
    users: Int32Array.from(r, (v) => v[0] as number),
    items: Int32Array.from(r, (v) => v[1] as number),
    ratings: Float32Array.from(r, (v) => v[2] as number),
    liked: Uint8Array.from(r, (v) => v[3] as number),
  });
  return { train: toPart(rows.train), test: toPart(rows.test) };
}

export function sourceOf(values: { movielens?: string; synthetic?: string; seed: string }): DataSource {
  if (values.movielens) return { kind: 'movielens', dir: values.movielens };
  if (values.synthetic !== 'full') throw new Error(`--synthetic: only 'full' (moviepref generate --mode full), got ${JSON.stringify(values.synthetic)}`);
  return { kind: 'synthetic', ...SIZES.full, seed: Number(values.seed) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { movielens: { type: 'string' }, synthetic: { type: 'string' }, split: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string', default: '42' } },
  });
  if (!values.out || !values.split || !values.movielens === !values.synthetic) {
    throw new Error('usage: ratings-export (--movielens DIR | --synthetic full) --split user-overlap|temporal --out FILE [--seed 42]');
  }
  if (values.split !== 'user-overlap' && values.split !== 'temporal') throw new Error(`--split: user-overlap or temporal, got ${JSON.stringify(values.split)}`);
  const seed = Number(values.seed);
  const ds = await loadDataset(sourceOf({ ...values, seed: values.seed }));
  const r = splitRatings(ds, values.split, seed);
  writeRatings(values.out, r);
  const liked = r.test.liked.reduce((s, v) => s + v, 0);
  process.stdout.write(
    `${JSON.stringify({ file: values.out, source: ds.source, split: values.split, seed, users: ds.users.n, items: ds.movies.n, n_train: r.train.users.length, n_test: r.test.users.length, test_liked_rate: liked / r.test.users.length, ...coldCounts(r) })}\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    process.stderr.write(`ratings-export: ${(err as Error).message}\n`);
    process.exit(2);
  });
}
