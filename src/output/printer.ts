import { stringify as toYaml } from 'yaml';
import { UsageError } from '../errors.js';
import { colorEnabled, makeStyle, type Style } from './style.js';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function parseOutputFormat(value: string): OutputFormat {
  if ((OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw new UsageError(`unknown output format "${value}"`, { hint: `use one of: ${OUTPUT_FORMATS.join(', ')}` });
}

/**
 * What a command hands to the printer: its data (printed as-is for json/yaml)
 * and how to show that data to a person.
 */
export interface Printable<T> {
  data: T;
  /** Renders the human view. Default: the YAML rendering. */
  table?: (data: T, style: Style) => string;
}

export interface Writable {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export function render<T>(result: Printable<T>, format: OutputFormat, style: Style): string {
  switch (format) {
    case 'json':
      return JSON.stringify(result.data, null, 2);
    case 'yaml':
      return toYaml(result.data).trimEnd();
    case 'table':
      return result.table ? result.table(result.data, style) : toYaml(result.data).trimEnd();
  }
}

/** Writes a command's result; JSON and YAML never carry colour. */
export function print<T>(stream: Writable, result: Printable<T>, format: OutputFormat, env: NodeJS.ProcessEnv = process.env): void {
  const style = makeStyle(format === 'table' && colorEnabled(stream, env));
  const text = render(result, format, style);
  if (text.length > 0) stream.write(text + '\n');
}
