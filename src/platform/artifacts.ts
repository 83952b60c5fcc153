import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectionError, describeCause } from '../errors.js';
import type { ProgressSink } from '../progress.js';
import { fetchOnce, isComplete, mavenCopy, mavenCopyDependencies } from './fetch.js';
import type { Layout } from './layout.js';
import { fetchFlink } from './flink-dist.js';
import { CACHE_ENTRIES, VERSIONS } from './versions.js';

/** Kafka's broker with its runtime dependencies plus a log4j2 binding (its pom has none). */
export function kafkaPom(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>streamctl</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_${VERSIONS.scala}</artifactId>
      <version>${VERSIONS.kafka}</version>
    </dependency>
    <!-- Kafka ${VERSIONS.kafka} resolves slf4j-api 1.7, so the 1.7 binding; it brings log4j-core and log4j-api. -->
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>${VERSIONS.log4j}</version>
    </dependency>
  </dependencies>
</project>
`;
}

export function artifactsPresent(layout: Layout): boolean {
  return Object.values(CACHE_ENTRIES).every((e) => isComplete(layout.cache(e)));
}

/**
 * Fetches whatever the cache lacks, all three concurrently (they are bound by
 * the network, not the CPU). A complete cache means no registry is touched.
 */
export async function ensureArtifacts(layout: Layout, progress: ProgressSink): Promise<void> {
  mkdirSync(layout.cacheDir, { recursive: true });
  // allSettled, not all: when one fetch fails the others must finish cleaning
  // their scratch folders before streamctl exits.
  const results = await Promise.allSettled([
    fetchOnce(layout.cache(CACHE_ENTRIES.kafka), `fetch Kafka ${VERSIONS.kafka} (Maven Central)`, progress, async (scratch) => {
      await mavenCopyDependencies('Kafka', kafkaPom(), join(scratch, 'libs'), scratch);
    }),
    fetchOnce(
      layout.cache(CACHE_ENTRIES.apicurio),
      `fetch Apicurio Registry ${VERSIONS.apicurio} (Maven Central)`,
      progress,
      async (scratch) => {
        const download = join(scratch, '.download');
        await mavenCopy('Apicurio Registry', [`io.apicurio:apicurio-registry-app:${VERSIONS.apicurio}:tar.gz:all`], download);
        const archive = readdirSync(download).find((f) => f.endsWith('.tar.gz'));
        if (!archive) throw new ConnectionError('unable to fetch Apicurio Registry: the archive did not arrive');
        untar(join(download, archive), scratch);
        rmSync(download, { recursive: true, force: true });
      },
    ),
    fetchOnce(layout.cache(CACHE_ENTRIES.flink), `fetch Flink ${VERSIONS.flink} + connectors (PyPI, Maven Central)`, progress, (scratch) =>
      fetchFlink(scratch),
    ),
  ]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

export function untar(archive: string, dest: string, extra: string[] = []): void {
  try {
    // --no-same-owner: archives carry foreign uids (Apicurio's are 1001) that root would otherwise keep.
    execFileSync('tar', ['xzf', archive, '--no-same-owner', '-C', dest, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw new ConnectionError(`unable to unpack ${archive}: ${describeCause(err)}`, {
      hint: 'the download may be corrupt; retry `streamctl dev up`',
      cause: err,
    });
  }
}
