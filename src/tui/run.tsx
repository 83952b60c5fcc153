import { render } from 'ink';
import { App, type SnapshotFeed } from './App.js';
import type { Selection } from './Header.js';

export interface DashboardOptions {
  feed: SnapshotFeed;
  target: string;
  /** What --group/--topic narrowed the collector to, for the header. Default: none. */
  selection?: Selection;
  verdictRule: string;
  color: boolean;
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
}

const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?25h\x1b[?1049l';

/**
 * Runs the dashboard full screen until the user quits. The terminal is
 * restored (main screen back, cursor shown) however it ends: q, Ctrl-C,
 * SIGTERM/SIGHUP, or an error thrown out of Ink.
 */
export async function runDashboard(options: DashboardOptions): Promise<void> {
  const { stdout, stdin } = options;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    stdout.write(LEAVE_ALT_SCREEN);
  };
  stdout.write(ENTER_ALT_SCREEN);
  // Last resort: whatever ends the process, the user gets their screen back.
  process.once('exit', restore);
  const instance = render(
    <App
      feed={options.feed}
      target={options.target}
      selection={options.selection}
      verdictRule={options.verdictRule}
      color={options.color}
    />,
    {
      stdout,
      stdin,
      exitOnCtrlC: false,
      patchConsole: true,
      incrementalRendering: false,
      maxFps: 20,
    },
  );
  const stop = () => instance.unmount();
  const signals = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;
  for (const s of signals) process.on(s, stop);
  try {
    await instance.waitUntilExit();
  } finally {
    for (const s of signals) process.off(s, stop);
    instance.cleanup();
    restore();
    process.off('exit', restore);
  }
}
