/** How command handlers talk to the terminal: one JSON document or text on stdout, logs on stderr, exit codes. */
import { MlError, toMlError } from '../engine/errors.js';

export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

export interface Output {
  json: boolean;
  verbose: boolean;
}

/** Logs never go to stdout, so `--json` output stays parseable. */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Runs a command body; renders its result as JSON (`schema` stamped) or text; maps errors to exit codes. */
export async function runCommand<R>(out: Output, schema: string, body: () => Promise<R>, renderText: (r: R) => string): Promise<void> {
  try {
    const result = await body();
    if (out.json) process.stdout.write(`${JSON.stringify({ schema, ...result })}\n`);
    else process.stdout.write(`${renderText(result)}\n`);
  } catch (err) {
    const e = err instanceof MlError ? err : toMlError(err, 'cli');
    if (out.json) process.stdout.write(`${JSON.stringify({ schema: 'moviepref.error/1', error: { code: e.code, message: e.message } })}\n`);
    log(`error [${e.code}]: ${e.message}`);
    if (out.verbose && e.cause) log(String((e.cause as Error).stack ?? e.cause));
    process.exitCode = e.code === 'INVALID_ARGUMENT' ? EXIT_USAGE : EXIT_FAILURE;
  }
}
