import type { ServiceDef } from '../types.js';
import type { ServiceContext } from './context.js';
import { flinkServices } from './flink.js';
import { kafkaServices } from './kafka.js';
import { postgresService } from './postgres.js';
import { registryService } from './registry.js';

/** Every process of the platform, in start order. */
export function buildServices(ctx: ServiceContext): ServiceDef[] {
  return [postgresService(ctx), ...kafkaServices(ctx), registryService(ctx), ...flinkServices(ctx)];
}
