/**
 * Where each value of a JSON document sits in its text, keyed by JSON pointer
 * (RFC 6901), so schema errors and lint findings can name a line and column.
 *
 * JSON.parse stays the judge of validity and builds the values; this scanner
 * only records offsets. It also validates as it goes because V8 leaves the
 * position out of some syntax errors ("Unexpected token … is not valid JSON"),
 * and then the scanner's own stopping point is the location. A library such as
 * `json-source-map` or `jsonc-parser` could replace it.
 */

export interface JsonSpan {
  /** Offset of the member's key (its opening quote); absent for array elements and the root. */
  key?: number;
  /** Offset of the value's first character. */
  value: number;
}

export type JsonPositions = ReadonlyMap<string, JsonSpan>;

export interface LineColumn {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

export class JsonScanError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Offsets of every value in `text`, which should be valid JSON; throws JsonScanError where it is not. */
export function indexJson(text: string): Map<string, JsonSpan> {
  const spans = new Map<string, JsonSpan>();
  let i = 0;

  const fail = (message: string): never => {
    throw new JsonScanError(message, i);
  };
  const skipWs = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail('bad control character in string');
      i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      i = start;
      return fail('bad escape in string');
    }
  };
  const literal = (): void => {
    const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!m) fail(i >= text.length ? 'unexpected end of JSON' : `unexpected character ${JSON.stringify(text[i])}`);
    i += m![0].length;
  };
  const value = (pointer: string, key?: number): void => {
    skipWs();
    spans.set(pointer, key === undefined ? { value: i } : { key, value: i });
    const c = text[i];
    if (c === '{') {
      i++;
      skipWs();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skipWs();
        if (text[i] !== '"') fail('expected a double-quoted property name');
        const keyAt = i;
        const name = string();
        skipWs();
        if (text[i] !== ':') fail("expected ':' after the property name");
        i++;
        value(`${pointer}/${escapePointerToken(name)}`, keyAt);
        skipWs();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else fail("expected ',' or '}' after a property value");
      }
    } else if (c === '[') {
      i++;
      skipWs();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        value(`${pointer}/${n}`);
        skipWs();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else fail("expected ',' or ']' after an array element");
      }
    } else if (c === '"') {
      string();
    } else {
      literal();
    }
  };

  value('');
  skipWs();
  if (i < text.length) fail('unexpected text after the JSON value');
  return spans;
}

export function lineColumnAt(text: string, offset: number): LineColumn {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let k = 0; k < end; k++) {
    if (text.charCodeAt(k) === 10) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
