/**
 * Builds the pipeline's own feature tables (same generator, split and feature step, pipeline/features.ts,
 * as `moviepref run`) and writes them as one MPDATA01 file, so every engine in the bench fits the real
 * movie-preference features. Prints one JSON line (sizes, seconds, Bayes-optimal test AUC when known).
 *
 *   node --import tsx bench/features-export.ts --interactions 1000000 --out FILE [--seed 42]
 *   node --import tsx bench/features-export.ts --movielens DIR --out FILE
 *
 * MPDATA01: magic, u64 n_train, n_test, n_features, then f32 LE: x_train (column-major), y_train,
 * x_test (column-major), y_test, p_test (true like probability; NaN when unknown, e.g. MovieLens).
 */
import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { FeatureTable } from '../ts/src/features/table.js';
import { type DataSource, loadDataset } from '../ts/src/pipeline/dataset.js';
import { prepareFeatures } from '../ts/src/pipeline/features.js';
import { deriveSeed } from '../ts/src/pipeline/seeds.js';
import { splitDataset } from '../ts/src/pipeline/split.js';
import { loadEngine } from '../ts/src/engine/index.js';

/** Synthetic sizes per interaction count: the seed's 5,000 users x 1,000 movies at 50k, then 50 ratings per user, 500 per movie. */
export function syntheticSource(interactions: number, seed: number): DataSource {
  return { kind: 'synthetic', interactions, users: Math.max(5_000, Math.round(interactions / 50)), movies: Math.max(1_000, Math.round(interactions / 500)), seed };
}

function writeMpData(path: string, train: FeatureTable, test: FeatureTable): void {
  const tmp = `${path}.tmp`;
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(tmp, 'w');
  try {
    const head = Buffer.alloc(32);
    head.write('MPDATA01', 0, 'latin1');
    head.writeBigUInt64LE(BigInt(train.nRows), 8);
    head.writeBigUInt64LE(BigInt(test.nRows), 16);
    head.writeBigUInt64LE(BigInt(train.nFeatures), 24);
    writeSync(fd, head);
    const f32 = (a: ArrayLike<number>) => (a instanceof Float32Array ? a : Float32Array.from(a));
    const nan = new Float32Array(test.nRows).fill(Number.NaN);
    for (const part of [train.x, f32(train.y), test.x, f32(test.y), test.pTrue ? f32(test.pTrue) : nan]) {
      // Chunked: one write of a multi-GB buffer is refused by the kernel.
      const bytes = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
      for (let at = 0; at < bytes.length; at += 1 << 28) writeSync(fd, bytes.subarray(at, Math.min(bytes.length, at + (1 << 28))));
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { interactions: { type: 'string' }, movielens: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string', default: '42' } },
  });
  if (!values.out || (!values.interactions) === !values.movielens) throw new Error('usage: features-export (--interactions N | --movielens DIR) --out FILE');
  const seed = Number(values.seed);
  const source: DataSource = values.movielens ? { kind: 'movielens', dir: values.movielens } : syntheticSource(Number(values.interactions), seed);
  const t0 = performance.now();
  const ds = await loadDataset(source);
  const engine = loadEngine();
  // The pipeline's own split and feature step (with the collaborative group the engine fits), seeded
  // from the root seed as fitPipeline seeds them.
  const split = splitDataset(ds, 'user-overlap', 0.2, deriveSeed(seed, 'split'));
  const { train, test } = await prepareFeatures(ds, split, seed, {}, engine);
  const seconds = (performance.now() - t0) / 1000;
  writeMpData(values.out, train, test);
  const pos = train.y.reduce((s, v) => s + v, 0);
  process.stdout.write(
    `${JSON.stringify({
      file: values.out,
      source: ds.source,
      users: ds.users.n,
      movies: ds.movies.n,
      interactions: ds.interactions.n,
      n_train: train.nRows,
      n_test: test.nRows,
      features: train.nFeatures,
      positive_rate: pos / train.nRows,
      bayes_auc: test.pTrue ? engine.metrics(test.y, Float32Array.from(test.pTrue)).roc_auc : null,
      seconds,
    })}\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    process.stderr.write(`features-export: ${(err as Error).message}\n`);
    process.exit(2);
  });
}
