// Runs every test/**/*.test.ts with node's test runner (TypeScript through tsx).
// MP_TEST_FILTER=substring narrows the files. Both engine backends must be built (npm run build).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : d.name.endsWith('.test.ts') ? [join(dir, d.name)] : [],
  );
const filter = process.env.MP_TEST_FILTER ?? '';
const files = walk(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => f.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${JSON.stringify(filter)}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
