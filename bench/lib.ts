/** Shared bench plumbing: run a driver process, parse its JSON line, format tables. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PY = `${ROOT}bench/.venv/bin/python`;

export type Row = Record<string, unknown> & { fit_seconds: number; test_auc: number; engine: string; threads: number };
/** A contender that failed (error) or was deliberately not run (skipped, with the reason in error). */
export type Failed = { error: string; skipped?: boolean };

export const failed = (r: unknown): r is Failed => typeof r === 'object' && r !== null && 'error' in r;

/** Longest a single contender may run before it is stopped and reported as timed out (never a hang). */
export const contenderTimeoutS = (): number => Number(process.env.MP_BENCH_TIMEOUT_S ?? 1800);

/** Runs a command that prints one JSON line; returns it, or an error row (never throws: a peer may be
 *  missing, crash, run out of memory or time out). */
export function runJson(cmd: string, args: string[], env: Record<string, string> = {}): Row | Failed {
  process.stderr.write(`  $ ${[cmd, ...args].join(' ')}\n`);
  const limit = contenderTimeoutS();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26, timeout: limit * 1000, killSignal: 'SIGKILL' });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') return { error: `timed out after ${limit} s (MP_BENCH_TIMEOUT_S)` };
  const line = r.stdout?.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) return { error: `${cmd} ${r.signal ? `killed by ${r.signal}` : `exited ${r.status}`}: ${(r.stderr ?? '').trim().slice(-400)}` };
  return JSON.parse(line) as Row;
}

export function must(cmd: string, args: string[]): void {
  process.stderr.write(`  $ ${[cmd, ...args].join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with ${r.status}`);
}

/** A Python venv with the peers (bench/requirements.txt), created or updated by the bench itself with pip;
 *  null when ready, else the reason it is not (then the Python rows are skipped with that message). */
export function pythonPeers(): string | null {
  return (pythonReady ??= [preparePython()])[0];
}
let pythonReady: [string | null] | undefined;

function preparePython(): string | null {
  const wanted = readFileSync(`${ROOT}bench/requirements.txt`, 'utf8');
  const stamp = `${ROOT}bench/.venv/requirements.installed`;
  if (existsSync(PY) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return null;
  if (spawnSync('python3', ['--version']).status !== 0) return 'python3 not found: Python peers skipped';
  try {
    if (!existsSync(PY)) must('python3', ['-m', 'venv', 'bench/.venv']);
    must(PY, ['-m', 'pip', 'install', '-q', '-r', 'bench/requirements.txt']);
    writeFileSync(stamp, wanted);
    return null;
  } catch (err) {
    return `could not install the Python peers: ${(err as Error).message}`;
  }
}

export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: (string | number)[]) => r.map((c, i) => String(c).padStart(widths[i] ?? 0)).join('  ');
  return [line(cells[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return '-';
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 1) return v.toFixed(2);
  return v.toFixed(4);
}
