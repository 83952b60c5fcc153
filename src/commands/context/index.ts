import { Command } from 'commander';
import type { Io } from '../../io.js';
import { addCommand } from './add.js';
import { listCommand } from './list.js';
import { removeCommand } from './remove.js';
import { showCommand } from './show.js';
import { useCommand } from './use.js';

export function contextCommand(io: Io): Command {
  return new Command('context')
    .description('named connection settings (Kafka, SASL, TLS, registry, Flink, Postgres) in the user config file')
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl context list                         every context; * marks the current one
  $ streamctl context add staging --brokers k1.staging:9093 --sasl-mechanism SCRAM-SHA-512 \\
      --sasl-username alice --sasl-password-env STAGING_KAFKA_PASSWORD --tls-ca ~/certs/staging-ca.pem
  $ streamctl context use staging                  make it the default (currentContext)
  $ streamctl context show                         the effective settings, secrets redacted
  $ streamctl context remove staging               delete it from the user file (rm for short)
  $ streamctl --context local topics list          one command against another context

The built-in context "local" is the local platform of \`streamctl dev\` and needs no config.
A context is selected by --context, else STREAMCTL_CONTEXT, else "context:" in streamctl.yaml,
else currentContext in the user file, else local.`,
    )
    .addCommand(listCommand(io))
    .addCommand(useCommand(io))
    .addCommand(showCommand(io))
    .addCommand(addCommand(io))
    .addCommand(removeCommand(io));
}
