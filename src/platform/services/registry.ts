import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_ENTRIES } from '../versions.js';
import type { ServiceDef } from '../types.js';
import type { ServiceContext } from './context.js';
import { serviceMarker } from './java.js';

/** Apicurio's heap; it idles around 64 MiB of heap, 250 MB RSS. */
export const REGISTRY_HEAP = '512m';

/**
 * Apicurio Registry 3.3 (Quarkus) with its Confluent-compatible API at
 * /apis/ccompat/v7. Storage is H2 in file mode under the data folder, so
 * subjects and ids survive a restart like a real registry's; WRITE_DELAY=0
 * because H2's default write-behind loses the last writes on a hard kill.
 * The global BACKWARD rule makes it check compatibility as Confluent does by
 * default (Apicurio itself defaults to no checks).
 */
export function registryService(ctx: ServiceContext): ServiceDef {
  const dataDir = ctx.layout.dataDir('registry');
  const marker = serviceMarker(ctx, 'registry');
  return {
    id: 'registry',
    group: 'registry',
    ports: [ctx.ports.registry, ctx.ports.registryManagement],
    marker,
    async prepare() {
      mkdirSync(dataDir, { recursive: true });
    },
    launch() {
      return {
        command: ctx.java21.bin,
        cwd: ctx.layout.cache(CACHE_ENTRIES.apicurio),
        args: [
          `-Xmx${REGISTRY_HEAP}`,
          // C1 only: starts faster and uses less memory; a local registry is never CPU-bound.
          '-XX:TieredStopAtLevel=1',
          marker,
          '-Dquarkus.http.host=127.0.0.1',
          `-Dquarkus.http.port=${ctx.ports.registry}`,
          '-Dquarkus.management.host=127.0.0.1',
          `-Dquarkus.management.port=${ctx.ports.registryManagement}`,
          '-Dapicurio.rules.global.compatibility=BACKWARD',
          `-Dapicurio.datasource.url=jdbc:h2:file:${join(dataDir, 'registry')};WRITE_DELAY=0`,
          '-Dapicurio.datasource.jdbc.initial-size=2',
          '-Dapicurio.datasource.jdbc.min-size=2',
          '-Dapicurio.datasource.jdbc.max-size=10',
          '-Dquarkus.banner.enabled=false',
          '-Dquarkus.http.access-log.enabled=false',
          '-Dquarkus.log.category."io.apicurio".level=WARN',
          '-Dquarkus.log.category."io.quarkus.config".level=ERROR',
          // Quarkus's default date pattern prints garbled dates here; spell it out.
          '-Dquarkus.log.console.format=%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c{2.}] %s%e%n',
          '-jar',
          'quarkus-run.jar',
        ],
      };
    },
  };
}
