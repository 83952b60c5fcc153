import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectionError } from '../errors.js';
import { untar } from './artifacts.js';
import { mavenCopy, pipDownload } from './fetch.js';
import { VERSIONS } from './versions.js';

/** Connector jars the pipeline needs, put on the classpath of every Flink process. */
export function flinkConnectorCoordinates(): string[] {
  return [
    `org.apache.flink:flink-sql-connector-kafka:${VERSIONS.flinkKafkaConnector}:jar`,
    // The fat "sql" jar: the plain one needs Confluent's client jars, which Maven Central lacks.
    `org.apache.flink:flink-sql-avro-confluent-registry:${VERSIONS.flinkAvroConfluent}:jar`,
    `org.apache.flink:flink-connector-jdbc-core:${VERSIONS.flinkJdbcConnector}:jar`,
    `org.apache.flink:flink-connector-jdbc-postgres:${VERSIONS.flinkJdbcConnector}:jar`,
    `org.postgresql:postgresql:${VERSIONS.postgresJdbc}:jar`,
  ];
}

/**
 * Assembles a Flink distribution without Apache's download mirrors: Maven
 * Central has no flink-dist, but PyPI's apache-flink-libraries sdist carries
 * the distribution's lib/, opt/, plugins/ and bash-java-utils.jar. The SQL
 * Gateway and the connectors come from Maven Central. We write our own conf/
 * on every start, so the wheel with the shipped scripts is not needed.
 *
 * Resulting layout: lib/ opt/ plugins/ bin/bash-java-utils.jar connectors/
 */
export async function fetchFlink(dest: string): Promise<void> {
  const download = join(dest, '.download');
  mkdirSync(download, { recursive: true });
  await pipDownload('Flink', ['--no-binary', ':all:', `apache-flink-libraries==${VERSIONS.flink}`], download);
  const sdist = readdirSync(download).find((f) => f.endsWith('.tar.gz'));
  if (!sdist)
    throw new ConnectionError(`unable to fetch Flink: pip did not deliver the apache-flink-libraries ${VERSIONS.flink} source archive`);
  const unpacked = join(download, 'x');
  mkdirSync(unpacked);
  untar(join(download, sdist), unpacked);
  const root = join(unpacked, readdirSync(unpacked)[0] ?? '', 'deps');
  for (const part of ['lib', 'opt', 'plugins', 'bin']) cpSync(join(root, part), join(dest, part), { recursive: true });
  await mavenCopy('Flink SQL Gateway', [`org.apache.flink:flink-sql-gateway:${VERSIONS.flink}:jar`], join(dest, 'opt'));
  await mavenCopy('Flink connectors', flinkConnectorCoordinates(), join(dest, 'connectors'));
  rmSync(download, { recursive: true, force: true });
}
