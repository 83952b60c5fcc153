import { Command } from 'commander';
import type { Io } from '../../io.js';
import { downCommand } from './down.js';
import { logsCommand } from './logs.js';
import { statusCommand } from './status.js';
import { upCommand } from './up.js';

export function devCommand(io: Io): Command {
  return new Command('dev')
    .description(
      'run the platform locally from the real upstream components (Kafka, Apicurio Registry, Flink, PostgreSQL) as plain processes',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl dev up                  Kafka (KRaft), registry, Flink + SQL Gateway, Postgres
  $ streamctl dev up --brokers 3      a 3-broker Kafka cluster instead of one
  $ streamctl dev status -o json      endpoints and health, for scripts
  $ streamctl dev logs kafka-1 -n 50  the last lines of a service's log
  $ streamctl dev down --purge        stop everything and delete its data`,
    )
    .addCommand(upCommand(io))
    .addCommand(statusCommand(io))
    .addCommand(logsCommand(io))
    .addCommand(downCommand(io));
}
