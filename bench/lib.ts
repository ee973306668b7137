/** Shared bench plumbing: run a driver process, parse its JSON line, format tables. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PY = `${ROOT}bench/.venv/bin/python`;

export type Row = Record<string, unknown> & { fit_seconds: number; test_auc: number; engine: string; threads: number };

/** Runs a command that prints one JSON line; returns it, or an error row (never throws: a peer may be missing). */
export function runJson(cmd: string, args: string[], env: Record<string, string> = {}): Row | { error: string } {
  process.stderr.write(`  $ ${[cmd, ...args].join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  const line = r.stdout?.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) return { error: `${cmd} exited ${r.status}: ${(r.stderr ?? '').trim().slice(-400)}` };
  return JSON.parse(line) as Row;
}

export function must(cmd: string, args: string[]): void {
  process.stderr.write(`  $ ${[cmd, ...args].join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with ${r.status}`);
}

/** A Python venv with the peers, created by the bench itself (pip); null with a reason when impossible. */
export function pythonPeers(): string | null {
  if (existsSync(PY)) return null;
  const py = spawnSync('python3', ['--version']);
  if (py.status !== 0) return 'python3 not found: peer libraries skipped';
  try {
    must('python3', ['-m', 'venv', 'bench/.venv']);
    must(PY, ['-m', 'pip', 'install', '-q', 'numpy', 'xgboost', 'lightgbm', 'scikit-learn', 'threadpoolctl']);
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
