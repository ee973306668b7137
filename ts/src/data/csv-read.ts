/**
 * RFC 4180 record reader on top of the streaming line reader: comma-separated fields, fields in
 * double quotes may hold commas, line breaks and doubled quotes (""). Blank lines are skipped. A bare
 * carriage return is only allowed in a quoted field (on line 1 it means CR-only line endings).
 * A record spanning several lines is parsed incrementally (each line is scanned once), and may span
 * at most MAX_RECORD_LINES lines and MAX_RECORD_CHARS characters: past that, its quote is unclosed.
 */
import { badUtf8Message, CR_ONLY, forEachLine, invalid, MAX_LINE_BYTES } from './lines.js';

/** One record: its fields and the 1-based line it starts on. */
export type OnRecord = (fields: string[], line: number) => void;

/** Most lines one record may span (a quoted field holding line breaks). */
export const MAX_RECORD_LINES = 10_000;
/** Most characters one record may hold, line breaks included. */
export const MAX_RECORD_CHARS = MAX_LINE_BYTES;

const QUOTE = 34;
const COMMA = 44;

/** Parser state between lines: the fields of the record so far and its open quoted field. */
class RecordParser {
  /** Line the current record starts on. */
  start = 0;
  private fields: string[] = [];
  /** Text of the open quoted field so far; null when no quoted field is open. */
  private open: string | null = null;
  private lines = 0;
  private chars = 0;

  constructor(
    private readonly file: string,
    private readonly name: (i: number) => string,
  ) {}

  /** Feeds one line; returns the fields of the record it completes, else null. */
  line(text: string, lineNo: number): string[] | null {
    if (this.open === null) {
      if (text.length === 0) return null;
      this.start = lineNo;
      if (!text.includes('"') && !text.includes('\r')) return text.split(',');
      this.lines = 1;
      this.chars = text.length;
      return this.scan(text);
    }
    this.lines++;
    this.chars += text.length + 1;
    if (this.lines > MAX_RECORD_LINES || this.chars > MAX_RECORD_CHARS) {
      throw this.unclosed(`a quoted field runs over more than ${MAX_RECORD_LINES} lines or ${MAX_RECORD_CHARS} characters (is its closing quote missing?)`);
    }
    this.open += '\n';
    return this.scan(text);
  }

  /** At the end of the file: a field still open is an error. */
  end(): void {
    if (this.open !== null) throw this.unclosed('a quoted field is never closed (unterminated quote)');
  }

  /** Index of the field holding character `at` of `text`, the next line (for error messages). */
  fieldAt(text: string, lineNo: number, at: number): number {
    if (this.open === null) {
      this.start = lineNo;
      this.fields = [];
    }
    const done = this.scan(text.slice(0, at));
    return done ? done.length - 1 : this.fields.length;
  }

  private unclosed(message: string) {
    return invalid(this.file, this.start, this.name(this.fields.length), message);
  }

  /** Scans `text` from the parser's state (a quoted field may be open) to its end. */
  private scan(text: string): string[] | null {
    let i = 0;
    for (;;) {
      if (this.open !== null) {
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) {
            this.open += text.slice(i);
            return null;
          }
          this.open += text.slice(i, q);
          if (text.charCodeAt(q + 1) !== QUOTE) {
            i = q + 1;
            break;
          }
          this.open += '"';
          i = q + 2;
        }
        this.fields.push(this.open);
        this.open = null;
        if (i === text.length) return this.take();
        if (text.charCodeAt(i) !== COMMA) throw invalid(this.file, this.start, this.name(this.fields.length - 1), 'unexpected text after a closing quote');
        i++;
      } else if (text.charCodeAt(i) === QUOTE) {
        this.open = '';
        i++;
      } else {
        const comma = text.indexOf(',', i);
        const end = comma < 0 ? text.length : comma;
        const value = text.slice(i, end);
        if (value.includes('"')) throw invalid(this.file, this.start, this.name(this.fields.length), 'a quote inside an unquoted field (quote the whole field and double the quote)');
        if (value.includes('\r')) {
          if (this.start === 1) throw invalid(this.file, 1, undefined, CR_ONLY);
          throw invalid(this.file, this.start, this.name(this.fields.length), 'a carriage return inside an unquoted field (quote the field)');
        }
        this.fields.push(value);
        if (comma < 0) return this.take();
        i = comma + 1;
      }
    }
  }

  private take(): string[] {
    const f = this.fields;
    this.fields = [];
    return f;
  }
}

/**
 * Streams the records of a CSV file. `names` is consulted lazily for error messages (it is the
 * header once the first record has been read).
 */
export function readCsv(path: string, file: string, names: () => readonly string[] | null, onRecord: OnRecord): void {
  const name = (i: number) => names()?.[i] ?? `#${i + 1}`;
  const parser = new RecordParser(file, name);
  forEachLine(
    path,
    'utf8',
    (text, lineNo) => {
      const fields = parser.line(text, lineNo);
      if (fields) onRecord(fields, parser.start);
    },
    {
      file,
      onBadUtf8: (text, lineNo, bad) => {
        throw invalid(file, lineNo, name(parser.fieldAt(text, lineNo, bad.at)), badUtf8Message(bad));
      },
    },
  );
  parser.end();
}
