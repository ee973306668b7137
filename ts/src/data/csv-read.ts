/**
 * RFC 4180 record reader on top of the streaming line reader: comma-separated fields, fields in
 * double quotes may hold commas, line breaks and doubled quotes (""). Blank lines are skipped.
 */
import { forEachLine, invalid } from './lines.js';

/** One record: its fields and the 1-based line it starts on. */
export type OnRecord = (fields: string[], line: number) => void;

/**
 * Parses one record from `text`; returns the index of the open field when a quoted field is still
 * open at the end (the record continues on the next line). `name(i)` names field i in errors.
 */
function parseQuoted(text: string, file: string, line: number, name: (i: number) => string): string[] | number {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === 34) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return fields.length;
        value += text.slice(j, q);
        if (text.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === text.length) return fields;
      if (text.charCodeAt(i) !== 44) throw invalid(file, line, name(fields.length - 1), 'unexpected text after a closing quote');
      i++;
    } else {
      const comma = text.indexOf(',', i);
      const end = comma < 0 ? text.length : comma;
      const value = text.slice(i, end);
      if (value.includes('"')) throw invalid(file, line, name(fields.length), 'a quote inside an unquoted field (quote the whole field and double the quote)');
      fields.push(value);
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}

/**
 * Streams the records of a CSV file. `names` is consulted lazily for error messages (it is the
 * header once the first record has been read).
 */
export function readCsv(path: string, file: string, names: () => readonly string[] | null, onRecord: OnRecord): void {
  const name = (i: number) => names()?.[i] ?? `#${i + 1}`;
  let pending: string | null = null;
  let pendingLine = 0;
  forEachLine(path, 'utf8', (text, lineNo) => {
    if (pending !== null) {
      pending += '\n' + text;
      const fields = parseQuoted(pending, file, pendingLine, name);
      if (typeof fields !== 'number') {
        pending = null;
        onRecord(fields, pendingLine);
      }
      return;
    }
    if (text.length === 0) return;
    if (!text.includes('"')) {
      onRecord(text.split(','), lineNo);
      return;
    }
    const fields = parseQuoted(text, file, lineNo, name);
    if (typeof fields !== 'number') onRecord(fields, lineNo);
    else {
      pending = text;
      pendingLine = lineNo;
    }
  });
  if (pending !== null) {
    const open = parseQuoted(pending, file, pendingLine, name) as number;
    throw invalid(file, pendingLine, name(open), 'a quoted field is never closed (unterminated quote)');
  }
}
