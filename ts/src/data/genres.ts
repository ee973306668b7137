/** Genre vocabularies and bitmask helpers shared by every data source. */

/** The MovieLens 100K genre names in their u.genre order ('unknown' first). */
export const MOVIELENS_GENRES = [
  'unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
] as const;

/** A genre bitmask holds at most this many genres. */
export const MAX_GENRES = 32;

export function popcount(x: number): number {
  let v = x >>> 0;
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Genre names of a mask, in vocabulary order. */
export function maskToNames(mask: number, genres: readonly string[]): string[] {
  const out: string[] = [];
  for (let g = 0; g < genres.length; g++) if ((mask >>> g) & 1) out.push(genres[g] as string);
  return out;
}

/**
 * A deterministic order for a set of genre names that does not depend on row order:
 * MovieLens names first in their canonical order, then any others sorted.
 */
export function canonicalGenreOrder(names: Iterable<string>): string[] {
  const set = new Set(names);
  const known = MOVIELENS_GENRES.filter((g) => set.has(g));
  const knownSet = new Set<string>(known);
  const other = [...set].filter((g) => !knownSet.has(g)).sort();
  return [...known, ...other];
}

/** Rewrites masks built over `from` (bit i = from[i]) into masks over `to`, in place. */
export function remapMasks(masks: Uint32Array, from: readonly string[], to: readonly string[]): void {
  const index = new Map(to.map((g, i) => [g, i] as const));
  const bit = from.map((g) => 1 << (index.get(g) as number));
  const identity = from.every((g, i) => to[i] === g);
  if (identity) return;
  for (let r = 0; r < masks.length; r++) {
    let m = masks[r] as number;
    let out = 0;
    while (m !== 0) {
      const low = m & -m;
      out |= bit[31 - Math.clz32(low)] as number;
      m ^= low;
    }
    masks[r] = out >>> 0;
  }
}
