import type { Java } from '../prereqs.js';
import type { Layout } from '../layout.js';
import type { PortName } from '../ports.js';

/** Everything a service definition needs to know about this platform. */
export interface ServiceContext {
  layout: Layout;
  ports: Record<PortName, number>;
  brokers: number;
  /** Java 17+ for Kafka and Flink. */
  java: Java;
  /** Java 21+ for Apicurio Registry 3.3. */
  java21: Java;
  pgBin: string;
  /** Kafka also gets a SASL_SSL listener (SCRAM-SHA-512, TLS from a local CA): `dev up --secure`. Default: false. */
  secure?: boolean;
}
