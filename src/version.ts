import { readFileSync } from 'node:fs';

// Read at run time from package.json so the version has one source of truth.
function readVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'streamctl' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate: dist/ and src/ sit at different depths
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
