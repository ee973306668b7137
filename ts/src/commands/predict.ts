/** `moviepref predict`: a user + candidate movies -> movies ranked by P(like), from saved artifacts. */
import type { CommandModule } from 'yargs';
import { loadPipeline } from '../artifacts/pipeline.js';
import { checkRequestNumber, type Prediction, REQUEST_LIMITS } from '../pipeline/serving.js';
import { type GlobalOptions, withGlobals, withModelDir } from '../cli/options.js';
import { runCommand } from '../cli/command.js';
import { MlError } from '../engine/errors.js';

type Args = GlobalOptions & { model: string; user: number; movies?: string; top: number; threshold: number; 'model-name'?: string; hour?: number; device?: string; timestamp?: number };

function parseIds(s: string): number[] {
  return s.split(',').map((t) => {
    const v = t.trim() === '' ? NaN : Number(t.trim());
    if (!Number.isInteger(v)) throw new MlError('INVALID_ARGUMENT', `--movies: ${JSON.stringify(t)} is not an integer movie id`);
    return checkRequestNumber(`--movies: ${t.trim()}`, v, REQUEST_LIMITS.id);
  });
}

export const predictCommand: CommandModule<object, Args> = {
  command: 'predict',
  describe: 'Rank candidate movies for a user with a saved model (artifacts from run/train)',
  builder: (y) =>
    withModelDir(withGlobals(y))
      .option('user', { type: 'number', demandOption: true, describe: 'User id' })
      .option('movies', { type: 'string', describe: 'Comma-separated candidate movie ids (default: all movies)' })
      .option('top', { type: 'number', default: 10, describe: 'How many to show (0 = all)' })
      .option('threshold', { type: 'number', default: 0.5, describe: 'P(like) at or above which a movie counts as liked' })
      .option('model-name', { type: 'string', describe: 'Which saved model (default: the best one)' })
      .option('hour', { type: 'number', describe: 'Hour of day of the recommendation (default: now, UTC)' })
      .option('device', { type: 'string', describe: 'Device of the session (e.g. tv, mobile)' })
      .option('timestamp', { type: 'number', describe: 'Moment of the recommendation, unix seconds (default: now); time features depend on it' }) as never,
  handler: (argv) =>
    runCommand(
      argv,
      'moviepref.predict/1',
      async () => {
        if (!(argv.threshold >= 0 && argv.threshold <= 1)) throw new MlError('INVALID_ARGUMENT', `--threshold must be in [0, 1], got ${argv.threshold}`);
        if (!Number.isInteger(argv.top) || argv.top < 0) throw new MlError('INVALID_ARGUMENT', `--top must be a non-negative integer, got ${argv.top}`);
        checkRequestNumber('--user', argv.user, REQUEST_LIMITS.id);
        if (argv.timestamp !== undefined) checkRequestNumber('--timestamp (unix seconds)', argv.timestamp, REQUEST_LIMITS.timestamp, false);
        if (argv.hour !== undefined) checkRequestNumber('--hour', argv.hour, REQUEST_LIMITS.hour);
        const p = loadPipeline(argv.model, { backend: argv.backend });
        const ranked = p.predict({ userId: argv.user, movieIds: argv.movies ? parseIds(argv.movies) : undefined, threshold: argv.threshold, model: argv['model-name'], hour: argv.hour, device: argv.device, timestamp: argv.timestamp });
        return { user: argv.user, model: argv['model-name'] ?? p.bestModel, threshold: argv.threshold, predictions: argv.top ? ranked.slice(0, argv.top) : ranked };
      },
      (r: { user: number; model: string; predictions: Prediction[] }) =>
        [`user ${r.user}, model ${r.model}`, ...r.predictions.map((x, i) => `${String(i + 1).padStart(3)}. [${x.liked ? 'like' : '    '}] ${x.probability.toFixed(4)}  ${x.movieId}  ${x.title}`)].join('\n'),
    ),
};
