/** `moviepref info`: which engine backends load here, their versions and model formats. */
import type { CommandModule } from 'yargs';
import { type GlobalOptions, withGlobals } from '../cli/options.js';
import { runCommand } from '../cli/command.js';
import { loadEngine } from '../engine/index.js';
import type { Backend, EngineInfo } from '../engine/index.js';

interface InfoResult {
  backends: { backend: Backend; available: boolean; info?: EngineInfo; error?: string }[];
  default_backend: Backend | null;
}

export function engineInfo(): InfoResult {
  const backends = (['native', 'wasm'] as const).map((backend) => {
    try {
      return { backend, available: true, info: loadEngine(backend).info() };
    } catch (err) {
      return { backend, available: false, error: (err as Error).message };
    }
  });
  return { backends, default_backend: backends.find((b) => b.available)?.backend ?? null };
}

function render(r: InfoResult): string {
  const lines = r.backends.map((b) =>
    b.available ? `${b.backend.padEnd(7)} ok    ${b.info?.engine} ${b.info?.version}, model format ${b.info?.model_format}, models: ${b.info?.models.join(', ')}` : `${b.backend.padEnd(7)} MISSING  ${b.error}`,
  );
  return [...lines, `default backend: ${r.default_backend ?? 'none'}`].join('\n');
}

export const infoCommand: CommandModule<object, GlobalOptions> = {
  command: 'info',
  describe: 'Show which engine backends are available and their versions',
  builder: (y) => withGlobals(y),
  handler: (argv) => runCommand(argv, 'moviepref.info/1', async () => engineInfo(), render),
};
