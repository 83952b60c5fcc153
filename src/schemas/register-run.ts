import { StreamctlError, UsageError, describeCause } from '../errors.js';
import { runCheckWithSchemas, type CheckOptions, type CheckResult, type SchemaDeps } from './check-run.js';
import type { CompatibilityLevel } from './compat.js';

export interface RegisterOptions {
  /** Files to register, relative to the working directory. Default: every file of the subjects map. */
  files?: string[];
  /** Check and report what would happen, change nothing. Default: false. */
  dryRun?: boolean;
  schemas: CheckOptions['schemas'];
  projectDir: string;
}

/**
 * registered: a new version. unchanged: the registry already had this
 * schema under the subject (same id, no new version). would-register /
 * would-be-unchanged: the same, for --dry-run. rejected: the registry
 * refused it although the local check passed.
 */
export type RegisterAction = 'registered' | 'unchanged' | 'would-register' | 'would-be-unchanged' | 'rejected';

export interface RegisterEntry {
  subject: string;
  file: string;
  action: RegisterAction;
  /** The version the schema has (or, for would-register, will have). */
  version?: number;
  /** The schema id; absent for would-register. */
  id?: number;
  /** The level set on the subject from the config before registering (or that would be); absent when the config names none. */
  levelSet?: CompatibilityLevel;
  /** Why it was rejected. */
  message?: string;
}

export interface RegisterResult {
  dryRun: boolean;
  /** The check that gates registration; nothing is registered unless check.ok. */
  check: CheckResult;
  registrations: RegisterEntry[];
  /** False when the check failed or the registry rejected a schema: the command exits 1. */
  ok: boolean;
}

/**
 * Checks every schema against the registry and, only when all pass,
 * registers each under its subjects. All or nothing up front, because a gate
 * that registers half a change leaves producers and consumers out of step.
 */
export async function runRegister(options: RegisterOptions, deps: SchemaDeps): Promise<RegisterResult> {
  const registry = deps.registry;
  if (!registry) throw new UsageError('registering needs a registry');
  const dryRun = options.dryRun ?? false;
  // The configured level is what the check used, and what the registry will enforce once set.
  const { result: check, schemas } = await runCheckWithSchemas(
    {
      ...(options.files ? { files: options.files } : {}),
      schemas: options.schemas,
      projectDir: options.projectDir,
      against: { kind: 'registry' },
    },
    deps,
  );
  if (!check.ok) return { dryRun, check, registrations: [], ok: false };

  const registrations: RegisterEntry[] = [];
  for (const [i, entry] of check.entries.entries()) {
    const parsed = schemas[i];
    if (!entry.subject || !parsed) continue;
    const subject = entry.subject;
    // Compact JSON: whitespace-only edits of the file then never look like a new schema.
    const text = JSON.stringify(parsed.json);
    const level = entry.levelSource === 'subject' || entry.levelSource === 'defaultLevel' ? (entry.level ?? undefined) : undefined;
    const base = { subject, file: entry.file, ...(level ? { levelSet: level } : {}) };
    const existing = await registry.lookup(subject, text);
    if (dryRun) {
      if (existing) registrations.push({ ...base, action: 'would-be-unchanged', version: existing.version, id: existing.id });
      else
        registrations.push({ ...base, action: 'would-register', version: (entry.versions[0] ?? (await latestVersion(deps, subject))) + 1 });
      continue;
    }
    if (level) await registry.setLevel(subject, level);
    if (existing) {
      registrations.push({ ...base, action: 'unchanged', version: existing.version, id: existing.id });
      continue;
    }
    try {
      const { id } = await registry.register(subject, text);
      const found = await registry.lookup(subject, text);
      registrations.push({ ...base, action: 'registered', id, ...(found ? { version: found.version } : {}) });
    } catch (err) {
      // 409: the registry's checker disagrees with ours; report it with the others rather than stop half-way.
      if (!(err instanceof StreamctlError) || err.exitCode !== 1) throw err;
      registrations.push({ ...base, action: 'rejected', message: describeCause(err) });
    }
  }
  return { dryRun, check, registrations, ok: registrations.every((r) => r.action !== 'rejected') };
}

async function latestVersion(deps: SchemaDeps, subject: string): Promise<number> {
  const versions = await deps.registry!.versions(subject);
  return versions && versions.length > 0 ? versions[versions.length - 1]! : 0;
}
