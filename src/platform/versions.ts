/**
 * Every version of the local platform, pinned in one place. Changing one here
 * makes the next `dev up` fetch it into a new cache folder; old folders stay
 * until deleted by hand.
 */
export const VERSIONS = {
  kafka: '4.1.1',
  scala: '2.13',
  /** log4j2 binding for Kafka, which ships none: without it the broker logs nothing. */
  log4j: '2.24.3',
  apicurio: '3.3.3',
  flink: '2.2.1',
  flinkKafkaConnector: '5.0.0-2.2',
  /** The avro-confluent format jar; 2.2.0 is the newest published for the 2.2 line. */
  flinkAvroConfluent: '2.2.0',
  flinkJdbcConnector: '4.0.0-2.0',
  postgresJdbc: '42.7.14',
} as const;

/** Cache folder names, one per pinned version. */
export const CACHE_ENTRIES = {
  kafka: `kafka-${VERSIONS.kafka}`,
  apicurio: `apicurio-registry-${VERSIONS.apicurio}`,
  flink: `flink-${VERSIONS.flink}`,
} as const;
