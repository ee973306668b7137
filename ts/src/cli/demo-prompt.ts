/** `run --mode demo`: sample ranked predictions of unseen movies from the fitted pipeline, and an interactive prompt on a terminal. */
import { createInterface } from 'node:readline/promises';
import { Rng } from '../data/rng.js';
import { deriveSeed } from '../pipeline/seeds.js';
import type { FittedPipeline, Prediction } from '../pipeline/serving.js';

export interface DemoUser {
  user: number;
  top: Prediction[];
}

function show(d: DemoUser): string {
  return [`user ${d.user}: top ${d.top.length} unseen movies`, ...d.top.map((p, i) => `  ${String(i + 1).padStart(2)}. ${p.title.padEnd(40).slice(0, 40)} P(like) ${p.probability.toFixed(3)}`)].join('\n');
}

/** `seed` is the run's root seed; the sampled users come from its `demo-users` stream. */
export async function demoPredictions(pipeline: FittedPipeline, seed: number, interactive: boolean): Promise<DemoUser[]> {
  const ds = pipeline.dataset;
  const rng = new Rng(deriveSeed(seed, 'demo-users'));
  const predictFor = (user: number): DemoUser => ({ user, top: pipeline.predict({ userId: user, movieIds: pipeline.unseenMovies(user) }).slice(0, 5) });
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
