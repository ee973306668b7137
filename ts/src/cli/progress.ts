/**
 * Progress on stderr, driven by the pipeline's events (never by a timer): step messages, the engine's
 * grid-search reports `{model, fits_done, fits_total}` and the trees of long single fits (the refits on all
 * rows) `{model, stage, trees_done, trees_total}`. Three renderings:
 * - a terminal: one cli-progress bar per counter (done / total, elapsed, ETA), steps as lines above it;
 * - not a terminal: one `[elapsed] message` line per step, plus one line per counter at about every 10% of it;
 * - `--json`: every event as one JSON object per line (stdout keeps its one JSON document).
 */
import { MultiBar, type SingleBar } from 'cli-progress';
import type { FitProgressEvent } from '../pipeline/train.js';

export type ProgressMode = 'bar' | 'lines' | 'json';

/** Seconds left at the current pace: elapsed / done * (total - done); null before the first fit. */
export function etaSeconds(elapsedS: number, done: number, total: number): number | null {
  if (done <= 0) return null;
  return (elapsedS / done) * Math.max(0, total - done);
}

/** Whether `done` starts a new tenth of `total` since the last reported count (the last fit always does). */
export function crossesTenth(lastReported: number, done: number, total: number): boolean {
  if (total <= 0 || done <= lastReported) return false;
  if (done >= total) return true;
  return Math.floor((done * 10) / total) > Math.floor((lastReported * 10) / total);
}

/** `1m02s`, `34s`. */
export function formatSeconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '?';
  const r = Math.round(s);
  return r >= 60 ? `${Math.floor(r / 60)}m${String(r % 60).padStart(2, '0')}s` : `${r}s`;
}

/** One counter being shown (a grid search, or the trees of one fit): when it began (the step that announced it) and the last count reported. */
interface Search {
  model: string;
  start: number;
  reported: number;
  bar?: { multi: MultiBar; bar: SingleBar };
}

export class Progress {
  private readonly start = performance.now();
  private lastStep = this.start;
  private search: Search | undefined;
  readonly mode: ProgressMode;

  constructor(opts: { json?: boolean; tty?: boolean } = {}) {
    this.mode = opts.json ? 'json' : (opts.tty ?? Boolean(process.stderr.isTTY)) ? 'bar' : 'lines';
  }

  private seconds(since = this.start): number {
    return (performance.now() - since) / 1000;
  }

  private line(text: string): void {
    if (this.search?.bar) this.search.bar.multi.log(`${text}\n`);
    else process.stderr.write(`${text}\n`);
  }

  /** A step of the run (also the start of the next grid search's clock). */
  step = (message: string): void => {
    this.lastStep = performance.now();
    if (this.mode === 'json') this.line(JSON.stringify({ event: 'step', message, elapsed_s: round(this.seconds()) }));
    else this.line(`[${this.seconds().toFixed(1)}s] ${message}`);
  };

  /**
   * A counter from the engine: a grid search's fits, or the trees of a long single fit (a refit on all
   * rows). A new counter (another model or stage, or a count that went back) starts a new bar/clock.
   */
  fits = (e: FitProgressEvent): void => {
    const c = 'trees_done' in e
      ? { key: `${e.model} ${e.stage}`, unit: 'trees', done: e.trees_done, total: e.trees_total, json: { event: 'trees', model: e.model, stage: e.stage, trees_done: e.trees_done, trees_total: e.trees_total } }
      : { key: e.model, unit: 'fits', done: e.fits_done, total: e.fits_total, json: { event: 'fits', model: e.model, fits_done: e.fits_done, fits_total: e.fits_total } };
    if (!this.search || this.search.model !== c.key || c.done < this.search.reported) {
      this.finishSearch();
      this.search = { model: c.key, start: this.lastStep, reported: 0 };
    }
    const s = this.search;
    const elapsed = this.seconds(s.start);
    const eta = etaSeconds(elapsed, c.done, c.total);
    if (this.mode === 'bar') {
      const payload = { model: c.key, unit: c.unit, spent: formatSeconds(elapsed), left: formatSeconds(eta) }; // not {eta}/{duration}: cli-progress's own timers
      if (!s.bar) {
        const multi = new MultiBar({
          stream: process.stderr,
          format: '{model}  [{bar}] {value}/{total} {unit} | {spent} | ETA {left}',
          barCompleteChar: '=',
          barIncompleteChar: ' ',
          barsize: 30,
          hideCursor: true,
          clearOnComplete: false,
        });
        s.bar = { multi, bar: multi.create(c.total, c.done, payload) };
      } else s.bar.bar.update(c.done, payload);
      s.reported = c.done;
      if (c.done >= c.total) this.finishSearch();
      return;
    }
    if (!crossesTenth(s.reported, c.done, c.total)) return;
    s.reported = c.done;
    if (this.mode === 'json') {
      this.line(JSON.stringify({ ...c.json, elapsed_s: round(elapsed), eta_s: eta === null ? null : round(eta) }));
    } else {
      this.line(`[${this.seconds().toFixed(1)}s] ${c.key}: ${c.done}/${c.total} ${c.unit}, ${formatSeconds(elapsed)} elapsed, ETA ${formatSeconds(eta)}`);
    }
  };

  /** Stops the current search's bar, leaving its last state on screen. */
  private finishSearch(): void {
    this.search?.bar?.multi.stop();
    if (this.search) this.search.bar = undefined;
  }

  done(): void {
    this.finishSearch();
    this.search = undefined;
    if (this.mode === 'bar') process.stderr.write(`✓ done in ${this.seconds().toFixed(1)}s\n`);
  }
}

const round = (s: number): number => Math.round(s * 1000) / 1000;
