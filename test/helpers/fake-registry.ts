import type { RegisteredSchema } from '../../src/registry/client.js';
import type { RegistryApi } from '../../src/schemas/check-run.js';
import type { CompatibilityLevel } from '../../src/schemas/compat.js';

/**
 * An in-memory registry for the unit tier, where the logic around the
 * registry is under test. The integration tier talks to the real one.
 */
export class FakeRegistry implements RegistryApi {
  readonly displayUrl = 'http://fake-registry';
  readonly subjects = new Map<string, RegisteredSchema[]>();
  readonly levels = new Map<string, CompatibilityLevel>();
  globalLevel: CompatibilityLevel = 'BACKWARD';
  calls: string[] = [];
  private nextId = 1;

  /** Seeds a subject with versions 1..n. */
  seed(subject: string, ...schemas: unknown[]): this {
    for (const s of schemas) this.add(subject, JSON.stringify(s));
    return this;
  }

  private add(subject: string, schema: string): RegisteredSchema {
    const list = this.subjects.get(subject) ?? [];
    const same = [...this.subjects.values()].flat().find((s) => s.schema === schema);
    const entry = { subject, version: list.length + 1, id: same?.id ?? this.nextId++, schema };
    list.push(entry);
    this.subjects.set(subject, list);
    return entry;
  }

  async listSubjects(): Promise<string[]> {
    return [...this.subjects.keys()].sort();
  }
  async versions(subject: string): Promise<number[] | undefined> {
    this.calls.push(`versions ${subject}`);
    return this.subjects.get(subject)?.map((s) => s.version);
  }
  async version(subject: string, version: number | 'latest'): Promise<RegisteredSchema | undefined> {
    this.calls.push(`version ${subject} ${version}`);
    const list = this.subjects.get(subject);
    return version === 'latest' ? list?.[list.length - 1] : list?.find((s) => s.version === version);
  }
  async lookup(subject: string, schema: string): Promise<{ id: number; version: number } | undefined> {
    const found = this.subjects.get(subject)?.find((s) => s.schema === schema);
    return found && { id: found.id, version: found.version };
  }
  async register(subject: string, schema: string): Promise<{ id: number }> {
    this.calls.push(`register ${subject}`);
    const found = this.subjects.get(subject)?.find((s) => s.schema === schema);
    return { id: (found ?? this.add(subject, schema)).id };
  }
  async getLevel(subject: string): Promise<CompatibilityLevel | undefined> {
    return this.levels.get(subject);
  }
  async getGlobalLevel(): Promise<CompatibilityLevel> {
    return this.globalLevel;
  }
  async setLevel(subject: string, level: CompatibilityLevel): Promise<void> {
    this.calls.push(`setLevel ${subject} ${level}`);
    this.levels.set(subject, level);
  }
}
