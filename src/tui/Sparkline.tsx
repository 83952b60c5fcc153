import { sparkline } from '../collector/sparkline.js';
import { Tint, type Hue } from './theme.js';

/** Recent values as block characters, newest on the right; exactly `width` columns. */
export function Sparkline({ values, width, color }: { values: readonly number[]; width: number; color?: Hue }) {
  return <Tint color={color}>{sparkline(values, width)}</Tint>;
}
