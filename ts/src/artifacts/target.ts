/**
 * Where moviepref may write. An artifacts folder (`--out` of run/train) is replaced whole, so the
 * target must be absent, an empty folder, or an earlier artifacts folder holding only files its
 * manifest lists; never a regular file, the working directory or one of its ancestors, nor an input
 * folder or an ancestor of one. A generated dataset (`generate --out`) may only replace an earlier
 * generated dataset's CSVs. Every refusal is an IO error naming the path, raised before any work.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { MlError } from '../engine/errors.js';

/** The schema family of artifacts manifests (any version counts as "an artifacts folder" to replace). */
const ARTIFACTS_FAMILY = 'moviepref.artifacts/';
/** The three files `generate` writes, and the marker it leaves next to them. */
export const DATASET_FILES = ['users.csv', 'movies.csv', 'ratings.csv'] as const;
export const DATASET_MARKER = 'moviepref-dataset.json';
export const DATASET_SCHEMA = 'moviepref.dataset/1';

const refuse = (message: string): never => {
  throw new MlError('IO', message);
};

/** Absolute path with symlinks of its existing part resolved (the rest kept as written). */
function real(path: string): string {
  const abs = resolve(path);
  let head = abs;
  const tail: string[] = [];
  while (!existsSync(head) && dirname(head) !== head) {
    tail.unshift(basename(head));
    head = dirname(head);
  }
  try {
    return join(realpathSync(head), ...tail);
  } catch {
    return abs;
  }
}

/** How a path is named in messages: as written, with the resolved path when it differs. */
const named = (dir: string, target: string) => (resolve(dir) === target ? dir : `${dir} (${target})`);

/** `inner` is `outer` or lies under it. */
function within(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** `rel` resolved under `dir`, refusing absolute paths, `..` segments and anything that resolves outside. */
export function resolveInside(dir: string, rel: string, code: 'DESERIALIZE' | 'INTERNAL' = 'INTERNAL'): string {
  const parts = rel.split(/[\\/]/);
  const path = resolve(dir, rel);
  const escapes = () => new MlError(code, `artifact path escapes the directory: ${JSON.stringify(rel)}`);
  if (rel === '' || isAbsolute(rel) || parts.includes('..') || !within(path, resolve(dir)) || path === resolve(dir)) throw escapes();
  if (existsSync(path) && !within(realpathSync(path), realpathSync(dir))) throw escapes(); // a symlink pointing out
  return path;
}

/** The nearest existing ancestor must be a folder, or the target cannot be created (ENOTDIR). */
function checkCreatable(target: string, flag: string): void {
  let head = dirname(target);
  while (!existsSync(head) && dirname(head) !== head) head = dirname(head);
  if (!statSync(head).isDirectory()) refuse(`cannot create ${flag} ${target}: ${head} is a file, not a folder`);
}

/** Refusals shared by both kinds of target: a file, the working directory or one of its ancestors. */
function checkCommon(target: string, flag: string, shown: string): void {
  if (within(real(process.cwd()), target)) refuse(`${flag} ${shown} is the working directory or one of its ancestors; choose a new folder`);
  if (!existsSync(target)) return checkCreatable(target, flag);
  if (!statSync(target).isDirectory()) refuse(`${flag} ${shown} exists and is not a folder; refusing to replace it`);
}

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

/** Throws IO unless `dir` (replaced whole by the artifacts writer) is safe to replace. */
export function checkArtifactsTarget(dir: string, opts: { inputs?: readonly string[]; flag?: string } = {}): void {
  const flag = opts.flag ?? '--out';
  const target = real(dir);
  const shown = named(dir, target);
  for (const input of opts.inputs ?? []) {
    if (within(real(input), target)) refuse(`${flag} ${shown} would replace the input folder ${input} (it is that folder or contains it); choose another ${flag}`);
  }
  checkCommon(target, flag, shown);
  if (!existsSync(target)) return;
  const present = filesUnder(target);
  if (present.length === 0) return;
  const manifestPath = join(target, 'manifest.json');
  let manifest: { schema?: unknown; files?: unknown } | undefined;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof manifest;
  } catch {
    /* not an artifacts folder: refused below */
  }
  if (typeof manifest?.schema !== 'string' || !manifest.schema.startsWith(ARTIFACTS_FAMILY)) {
    refuse(`${flag} ${shown} exists and is not a moviepref artifacts folder (no manifest.json of schema ${ARTIFACTS_FAMILY}*); refusing to replace it`);
  }
  const listed = manifest?.files;
  if (typeof listed === 'object' && listed !== null) {
    const foreign = present.filter((f) => f !== 'manifest.json' && !Object.hasOwn(listed, f.split(sep).join('/')));
    if (foreign.length) refuse(`${flag} ${shown} holds files its manifest does not list (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}); refusing to replace it`);
  }
}

/**
 * Throws IO unless `generate` may write its CSVs into `dir`: a new or existing folder where none of
 * users.csv/movies.csv/ratings.csv exists, or where they come from an earlier `generate` (marker file).
 */
export function checkDatasetTarget(dir: string, flag = '--out'): void {
  const target = real(dir);
  const shown = named(dir, target);
  if (existsSync(target) && !statSync(target).isDirectory()) refuse(`${flag} ${shown} exists and is not a folder; refusing to replace it`);
  if (!existsSync(target)) return checkCreatable(target, flag);
  const existing = DATASET_FILES.filter((f) => existsSync(join(target, f)));
  if (existing.length === 0) return;
  let marker: { schema?: unknown } | undefined;
  try {
    marker = JSON.parse(readFileSync(join(target, DATASET_MARKER), 'utf8')) as typeof marker;
  } catch {
    /* no marker: refused below */
  }
  if (marker?.schema !== DATASET_SCHEMA) {
    refuse(`${flag} ${shown} already holds ${existing.join(', ')} not written by moviepref generate (no ${DATASET_MARKER}); refusing to overwrite them`);
  }
}
