/**
 * Feature step throughput: the content features of `buildFeatures` (out-of-fold for the training rows,
 * all-training-rows statistics for the test rows) on generated data, without the collaborative group.
 * Prints one JSON line: sizes, seconds (best of --repeats) and values (rows x columns) per second.
 *
 *   node --import tsx bench/features-speed.ts --interactions 1000000 [--seed 42] [--repeats 3]
 */
import { parseArgs } from 'node:util';
import { buildFeatures } from '../ts/src/features/build.js';
import { loadDataset } from '../ts/src/pipeline/dataset.js';
import { deriveSeed } from '../ts/src/pipeline/seeds.js';
import { splitDataset } from '../ts/src/pipeline/split.js';
import { syntheticSource } from './features-export.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { interactions: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '42' }, repeats: { type: 'string', default: '3' } } });
  const seed = Number(values.seed);
  const ds = await loadDataset(syntheticSource(Number(values.interactions), seed));
  const split = splitDataset(ds, 'user-overlap', 0.2, deriveSeed(seed, 'split'));
  let best = Infinity;
  let columns = 0;
  for (let r = 0; r < Number(values.repeats); r++) {
    const t0 = performance.now();
    const built = buildFeatures(ds, split, { seed: deriveSeed(seed, 'feature-folds') });
    best = Math.min(best, (performance.now() - t0) / 1000);
    columns = built.train.nFeatures;
  }
  const rows = split.train.length + split.test.length;
  process.stdout.write(`${JSON.stringify({ interactions: ds.interactions.n, users: ds.users.n, movies: ds.movies.n, rows, columns, seconds: best, values_per_second: (rows * columns) / best })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`features-speed: ${(err as Error).message}\n`);
  process.exit(2);
});
