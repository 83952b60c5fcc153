import type { ProgressEvent, ProgressSink } from '../progress.js';
import { colorEnabled, makeStyle } from './style.js';
import type { Writable } from './printer.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

interface Line {
  task: string;
  state: ProgressEvent['state'];
  detail: string;
}

/**
 * Renders progress to stderr. On a TTY it keeps one live line per task and
 * redraws them in place; elsewhere (CI logs, pipes) it prints one plain line
 * when a task starts and one when it ends, never escape codes.
 */
export function createProgressRenderer(stream: Writable, env: NodeJS.ProcessEnv = process.env): ProgressSink & { close(): void } {
  const tty = stream.isTTY === true && env.TERM !== 'dumb';
  const style = makeStyle(colorEnabled(stream, env));
  const lines: Line[] = [];
  let drawn = 0;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;

  const symbol = (l: Line): string => {
    switch (l.state) {
      case 'done':
        return style.green('✔');
      case 'fail':
        return style.red('✖');
      case 'skip':
        return style.dim('-');
      default:
        return style.cyan(FRAMES[frame % FRAMES.length] ?? '*');
    }
  };

  const redraw = (): void => {
    let out = drawn > 0 ? `\x1b[${drawn}A` : '';
    for (const l of lines) out += `\x1b[2K${symbol(l)} ${l.task}${l.detail ? style.dim(`  ${l.detail}`) : ''}\n`;
    drawn = lines.length;
    stream.write(out);
  };

  const sink = ((event: ProgressEvent) => {
    let line = lines.find((l) => l.task === event.task);
    if (!line) {
      line = { task: event.task, state: event.state, detail: '' };
      lines.push(line);
    }
    line.state = event.state;
    if (event.detail !== undefined) line.detail = event.detail;
    if (tty) {
      if (!timer) {
        timer = setInterval(() => {
          frame++;
          redraw();
        }, 100);
        timer.unref();
      }
      redraw();
    } else if (event.state !== 'update') {
      const word = { start: '…', done: 'ok', fail: 'FAILED', skip: 'skipped', update: '' }[event.state];
      stream.write(`${event.task}: ${word}${event.detail ? ` (${event.detail})` : ''}\n`);
    }
  }) as ProgressSink & { close(): void };

  sink.close = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (tty && lines.length > 0) redraw();
  };
  return sink;
}
