/**
 * `moviepref generate`: write a seeded synthetic dataset as users.csv / movies.csv / ratings.csv, plus a
 * marker (moviepref-dataset.json) so a later generate may replace them; CSVs it did not write are never
 * overwritten (see artifacts/target.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { checkDatasetTarget, DATASET_FILES, DATASET_MARKER, DATASET_SCHEMA } from '../artifacts/target.js';
import { writeCsvDataset } from '../data/csv.js';
import { generateDataset } from '../data/synth.js';
import { checkSeed, dataSource } from '../cli/data.js';
import { type GlobalOptions, withGlobals, withOut, withSeed } from '../cli/options.js';
import { runCommand } from '../cli/command.js';
import { MlError } from '../engine/errors.js';
import type { Mode } from '../pipeline/kinds.js';

type Args = GlobalOptions & { mode: Mode; seed: number; out: string; users?: number; movies?: number; interactions?: number };

export const generateCommand: CommandModule<object, Args> = {
  command: 'generate',
  describe: 'Write a seeded synthetic dataset (CSV, with each interaction’s true like probability)',
  builder: (y) =>
    withOut(withSeed(withGlobals(y)), 'Directory for users.csv, movies.csv, ratings.csv', 'data/synthetic')
      .option('mode', { choices: ['full', 'quick', 'demo'] as const, default: 'full' as const, describe: 'Size preset (full = 5,000 users x 1,000 movies x 50,000 interactions)' })
      .option('users', { type: 'number' })
      .option('movies', { type: 'number' })
      .option('interactions', { type: 'number' }) as never,
  handler: (argv) =>
    runCommand(
      argv,
      'moviepref.generate/1',
      async () => {
        const src = dataSource({ ...argv, source: 'synthetic' }, argv.mode, checkSeed(argv.seed));
        if (src.kind !== 'synthetic') throw new Error('unreachable');
        checkDatasetTarget(argv.out);
        const t0 = performance.now();
        const ds = generateDataset(src);
        const { kind: _, ...sizes } = src;
        try {
          mkdirSync(argv.out, { recursive: true });
          writeFileSync(join(argv.out, DATASET_MARKER), `${JSON.stringify({ schema: DATASET_SCHEMA, ...sizes, files: DATASET_FILES })}\n`);
        } catch (err) {
          throw new MlError('IO', `cannot write ${join(argv.out, DATASET_MARKER)}: ${(err as Error).message}`, { cause: err });
        }
        await writeCsvDataset(ds, argv.out);
        let liked = 0;
        for (let i = 0; i < ds.interactions.n; i++) liked += ds.interactions.liked[i] as number;
        return { out: argv.out, users: ds.users.n, movies: ds.movies.n, interactions: ds.interactions.n, like_rate: liked / ds.interactions.n, seconds: (performance.now() - t0) / 1000 };
      },
      (r) => `wrote ${r.out}: ${r.users} users, ${r.movies} movies, ${r.interactions} interactions (like rate ${r.like_rate.toFixed(3)}) in ${r.seconds.toFixed(1)} s`,
    ),
};
