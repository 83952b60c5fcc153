import { randomBytes } from 'node:crypto';

/**
 * A small, fast, seedable pseudo-random generator (sfc32). Math.random cannot
 * be seeded, and `--seed` must reproduce a run byte for byte, so every random
 * choice of the data generator goes through one of these.
 */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An unsigned 32-bit integer. */
  uint32(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** A float in [min, max). */
  float(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** A random 32-bit seed, for runs that were not given one. */
export function randomSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}

/**
 * Mixes any JS number (negative, fractional, above 2^32) and optional extra
 * words into a well-spread 32-bit value. Used both to seed generators and to
 * derive stable per-entity values (a user's name from their id).
 */
export function hash32(...words: number[]): number {
  let h = 0x9e3779b9;
  for (const w of words) {
    const lo = w >>> 0;
    const hi = Math.floor(w / 0x100000000) >>> 0;
    h = mix32(h ^ lo);
    h = mix32(h ^ hi ^ 0x85ebca6b);
  }
  return h >>> 0;
}

/** FNV-1a of a string, for deriving numbers from textual keys. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h) >>> 0;
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

export function createRng(seed: number): Rng {
  let a = hash32(seed, 1);
  let b = hash32(seed, 2);
  let c = hash32(seed, 3);
  let d = 1;
  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // The first outputs of sfc32 still carry the seed's structure.
  for (let i = 0; i < 12; i++) uint32();
  // 53 bits, so ranges wider than 2^32 (epoch micros, longs) still reach every value.
  const next = (): number => ((uint32() >>> 5) * 67108864 + (uint32() >>> 6)) / 9007199254740992;
  return {
    next,
    uint32,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    float: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}
