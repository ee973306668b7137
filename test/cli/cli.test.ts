/** The CLI end to end, as a user runs it: a real process, stdout/stderr and exit codes. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the CLI from source; `cwd` defaults to the repository root (tsx is resolved absolutely, so any cwd works). */
export function cli(args: string[], env: Record<string, string> = {}, cwd = ROOT) {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'ts/src/cli/main.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('moviepref CLI', () => {
  it('--help lists the commands', () => {
    const r = cli(['--help']);
    assert.equal(r.code, 0, r.stderr);
    for (const c of ['run', 'generate', 'train', 'evaluate', 'predict', 'check', 'info']) assert.match(r.stdout, new RegExp(`moviepref ${c}`));
  });

  it('info --json is one JSON document naming both backends', () => {
    const r = cli(['info', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.schema, 'moviepref.info/1');
    assert.deepEqual(
      doc.backends.map((b: { backend: string; available: boolean }) => [b.backend, b.available]),
      [['native', true], ['wasm', true]],
    );
  });

  it('check --json fits on both backends, which agree and round-trip', () => {
    const r = cli(['check', '--json', '--rows', '3000', '--seed', '5']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.schema, 'moviepref.check/1');
    assert.deepEqual(doc.results.map((b: { backend: string }) => b.backend), ['native', 'wasm']);
    assert.ok(doc.max_abs_diff <= 1e-6, `diff ${doc.max_abs_diff}`);
    for (const b of doc.results) {
      assert.equal(b.roundtrip_identical, true);
      assert.ok(b.metrics.roc_auc > doc.bayes_auc - 0.03, `${b.backend} AUC ${b.metrics.roc_auc} vs Bayes ${doc.bayes_auc}`);
    }
  });

  it('the same seed gives the same numbers', () => {
    const strip = (s: string) => {
      const d = JSON.parse(s);
      return d.results.map((b: { metrics: unknown }) => b.metrics);
    };
    const args = ['check', '--json', '--rows', '1000', '--backend', 'native'];
    assert.deepEqual(strip(cli(args).stdout), strip(cli(args).stdout));
  });

  it('an unknown command is a usage error (exit 2) with help on stderr', () => {
    const r = cli(['bogus']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /INVALID_ARGUMENT.*bogus/);
  });

  it('a bad option value is a usage error naming the option, and --json still prints one document', () => {
    const r = cli(['check', '--rows', '3', '--json']);
    assert.equal(r.code, 2);
    assert.equal(JSON.parse(r.stdout).error.code, 'INVALID_ARGUMENT');
    assert.match(r.stderr, /--rows/);
    const huge = cli(['check', '--rows', '1e12', '--json']);
    assert.equal(huge.code, 2, 'bounded above: no allocation of 1e12 rows');
    assert.match(JSON.parse(huge.stdout).error.message, /--rows must be an integer in 10\.\.10000000/);
  });

  it('an invalid MP_BACKEND is refused clearly', () => {
    const r = cli(['check', '--json', '--rows', '100'], { MP_BACKEND: 'gpu' });
    assert.equal(r.code, 2);
    assert.match(JSON.parse(r.stdout).error.message, /MP_BACKEND/);
  });
});
