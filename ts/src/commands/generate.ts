/** `moviepref generate`: write a seeded synthetic dataset as users.csv / movies.csv / ratings.csv. */
import type { CommandModule } from 'yargs';
import { writeCsvDataset } from '../data/csv.js';
import { generateDataset } from '../data/synth.js';
import { checkSeed, dataSource } from '../cli/data.js';
import { type GlobalOptions, withGlobals, withOut, withSeed } from '../cli/options.js';
import { runCommand } from '../cli/run.js';
import type { Mode } from '../pipeline/grids.js';

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
        const t0 = performance.now();
        const ds = generateDataset(src);
        await writeCsvDataset(ds, argv.out);
        let liked = 0;
        for (let i = 0; i < ds.interactions.n; i++) liked += ds.interactions.liked[i] as number;
        return { out: argv.out, users: ds.users.n, movies: ds.movies.n, interactions: ds.interactions.n, like_rate: liked / ds.interactions.n, seconds: (performance.now() - t0) / 1000 };
      },
      (r) => `wrote ${r.out}: ${r.users} users, ${r.movies} movies, ${r.interactions} interactions (like rate ${r.like_rate.toFixed(3)}) in ${r.seconds.toFixed(1)} s`,
    ),
};
