/** `moviepref serve --model DIR`: the recommendation API on the native engine, until SIGINT/SIGTERM. */
import type { CommandModule } from 'yargs';
import { loadPipeline } from '../artifacts/pipeline.js';
import { type GlobalOptions, withGlobals, withModelDir } from '../cli/options.js';
import { EXIT_FAILURE, EXIT_USAGE, log } from '../cli/command.js';
import { MlError, toMlError } from '../engine/errors.js';
import { buildServer } from '../serve/server.js';

type Args = GlobalOptions & { model: string; port: number; host: string };

/** Listens, turning socket errors (port in use, no permission, unknown host) into IO errors naming the address. */
async function listen(app: ReturnType<typeof buildServer>, port: number, host: string): Promise<string> {
  try {
    return await app.listen({ port, host });
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'EADDRINUSE' ? 'the port is already in use' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    await app.close().catch(() => {});
    throw new MlError('IO', `cannot listen on ${host}:${port}: ${why}`, { cause: err });
  }
}

export const serveCommand: CommandModule<object, Args> = {
  command: 'serve',
  describe: 'Serve POST /recommend, POST /predict, GET /health, GET /model from saved artifacts',
  builder: (y) =>
    withModelDir(withGlobals(y))
      .option('port', { type: 'number', default: 8080, describe: 'TCP port (0 = any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to listen on' }) as never,
  handler: async (argv) => {
    try {
      if (!Number.isInteger(argv.port) || argv.port < 0 || argv.port > 65535) throw new MlError('INVALID_ARGUMENT', `--port must be 0-65535, got ${argv.port}`);
      const pipeline = loadPipeline(argv.model, { backend: argv.backend ?? 'native' }); // every model loaded and checked now
      const app = buildServer(pipeline, { logger: argv.verbose });
      const address = await listen(app, argv.port, argv.host);
      log(`moviepref API on ${address} (model ${pipeline.manifest.best_model} from ${argv.model}, engine ${pipeline.engine.backend})`);
      if (argv.json) process.stdout.write(`${JSON.stringify({ schema: 'moviepref.serve/1', address, model: pipeline.manifest.best_model })}\n`);
      const stop = () => void app.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    } catch (err) {
      const e = toMlError(err, 'cli');
      log(`error [${e.code}]: ${e.message}`);
      process.exitCode = e.code === 'INVALID_ARGUMENT' ? EXIT_USAGE : EXIT_FAILURE;
    }
  },
};
