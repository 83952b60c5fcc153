import pc from 'picocolors';

/** Colour functions; identity functions when colour is off. */
export type Style = ReturnType<typeof pc.createColors>;

/**
 * Colour is on only for a TTY and only when NO_COLOR is unset (https://no-color.org);
 * FORCE_COLOR turns it on for tests that want to see escape codes.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export function makeStyle(enabled: boolean): Style {
  return pc.createColors(enabled);
}
