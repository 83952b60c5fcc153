import { createContext, useContext, type ReactNode } from 'react';
import { Text } from 'ink';

/**
 * Whether colour is on (off with NO_COLOR or when asked). Components colour
 * through <Tint> so that, with colour off, the screen carries only bold and
 * inverse — which NO_COLOR allows, and which keep the selection visible.
 */
export const ColorContext = createContext(true);

export type Hue = 'red' | 'yellow' | 'green' | 'cyan' | 'magenta' | 'gray' | 'blue';

export function Tint({
  color,
  bold,
  dim,
  inverse,
  children,
}: {
  color?: Hue | undefined;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
  children: ReactNode;
}) {
  const enabled = useContext(ColorContext);
  return (
    <Text
      {...(enabled && color ? { color } : {})}
      {...(bold ? { bold } : {})}
      {...(dim && enabled ? { dimColor: true } : {})}
      {...(inverse ? { inverse } : {})}
    >
      {children}
    </Text>
  );
}
