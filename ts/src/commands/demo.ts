/** `run --mode demo`: sample ranked predictions from the saved artifacts, and an interactive prompt on a terminal. */
import { createInterface } from 'node:readline/promises';
import { loadPipeline, type Prediction } from '../artifacts/pipeline.js';
import type { Dataset } from '../data/schema.js';
import { Rng } from '../data/rng.js';

export interface DemoUser {
  user: number;
  top: Prediction[];
}

function unseen(ds: Dataset, user: number): number[] {
  const seen = new Set<number>();
  for (let r = 0; r < ds.interactions.n; r++) if (ds.interactions.user[r] === user) seen.add(ds.interactions.movie[r] as number);
  return Array.from(ds.movies.id).filter((m) => !seen.has(m));
}

function show(d: DemoUser): string {
  return [`user ${d.user}: top ${d.top.length} unseen movies`, ...d.top.map((p, i) => `  ${String(i + 1).padStart(2)}. ${p.title.padEnd(40).slice(0, 40)} P(like) ${p.probability.toFixed(3)}`)].join('\n');
}

export async function demoPredictions(dir: string, ds: Dataset, seed: number, backend: string | undefined, interactive: boolean): Promise<DemoUser[]> {
  const pipeline = loadPipeline(dir, { backend });
  const rng = new Rng(seed);
  const predictFor = (user: number): DemoUser => ({ user, top: pipeline.predict({ userId: user, movieIds: unseen(ds, user) }).slice(0, 5) });
  const samples = [0, 1, 2].map(() => predictFor(ds.users.id[rng.int(ds.users.n)] as number));
  if (!interactive) return samples;
  for (const s of samples) process.stderr.write(`${show(s)}\n`);
  if (!process.stdin.isTTY) return samples;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    for (;;) {
      const answer = (await rl.question('user id (blank = random, q = quit): ')).trim();
      if (answer === 'q') break;
      const id = answer === '' ? (ds.users.id[rng.int(ds.users.n)] as number) : Number(answer);
      if (!pipeline.hasUser(id)) {
        process.stderr.write(`no user ${answer}; ids run from ${ds.users.id[0]} to ${ds.users.id[ds.users.n - 1]}\n`);
        continue;
      }
      process.stderr.write(`${show(predictFor(id))}\n`);
    }
  } finally {
    rl.close();
  }
  return samples;
}
