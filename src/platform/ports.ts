/**
 * Default ports of the local platform. Kafka and the schema registry keep the
 * Confluent conventions (9092, 8081); Flink's REST port moves from its default
 * 8081 to 8082 to make room for the registry, and the rest are picked so that
 * nothing clashes with a stock Kafka/Flink/Postgres on the same laptop
 * (Postgres 5433, not 5432).
 */
export const DEFAULT_PORTS = {
  /** Broker 1 client listener; brokers 2 and 3 use +2 and +4 (9094, 9096). */
  kafka: 9092,
  /** Controller listener of node 1; nodes 2 and 3 use +2 and +4 (9095, 9097). */
  kafkaController: 9093,
  registry: 8081,
  /** Apicurio's management interface (health endpoints). */
  registryManagement: 8091,
  flinkRest: 8082,
  flinkRpc: 6123,
  flinkBlob: 6124,
  /** TaskManager RPC; the TaskManager data port is this + 1. */
  flinkTaskManagerRpc: 6125,
  sqlGateway: 8083,
  postgres: 5433,
} as const;

export type PortName = keyof typeof DEFAULT_PORTS;

export function effectivePorts(ports: Record<PortName, number>, offset: number): Record<PortName, number> {
  const out = {} as Record<PortName, number>;
  for (const [k, v] of Object.entries(ports)) out[k as PortName] = v + offset;
  return out;
}
