import { Command, Option } from 'commander';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { SASL_MECHANISMS, parseMechanism } from '../../config/contexts.js';
import { parseDurationOption } from '../../config/duration.js';
import { addContext, useContext } from '../../config/user-file.js';
import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { colorEnabled, makeStyle } from '../../output/style.js';
import { printResult } from '../shared.js';

interface AddFlags {
  brokers?: string;
  saslMechanism?: string;
  saslUsername?: string;
  saslPasswordEnv?: string;
  saslPasswordFile?: string;
  tls: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  registryUrl?: string;
  registryUsername?: string;
  registryPasswordEnv?: string;
  registryPasswordFile?: string;
  flinkUrl?: string;
  sqlGatewayUrl?: string;
  postgresUrl?: string;
  readOnly: boolean;
  timeout?: string;
  use: boolean;
  force: boolean;
}

/** The context as the user file holds it, from the flags; file paths become absolute (they were typed relative to here). */
export function contextSettings(flags: AddFlags, cwd: string, home = homedir()): Record<string, unknown> {
  const abs = (p: string) => (p === '~' || p.startsWith('~/') ? resolve(home, p.slice(2)) : isAbsolute(p) ? p : resolve(cwd, p));
  const out: Record<string, unknown> = {};
  const kafka: Record<string, unknown> = {};
  if (flags.brokers) kafka.brokers = flags.brokers;
  const saslGiven = [flags.saslMechanism, flags.saslUsername, flags.saslPasswordEnv, flags.saslPasswordFile].some((v) => v !== undefined);
  if (saslGiven) {
    if (!flags.saslMechanism || !parseMechanism(flags.saslMechanism)) {
      throw new UsageError('SASL needs --sasl-mechanism', { hint: `one of ${SASL_MECHANISMS.map((m) => m.toUpperCase()).join(', ')}` });
    }
    if (!flags.saslUsername) throw new UsageError('SASL needs --sasl-username');
    if ((flags.saslPasswordEnv === undefined) === (flags.saslPasswordFile === undefined)) {
      throw new UsageError('SASL needs one of --sasl-password-env or --sasl-password-file', {
        hint: 'streamctl never takes a password on the command line (shell history, ps); name an environment variable or a file',
      });
    }
    kafka.sasl = {
      mechanism: parseMechanism(flags.saslMechanism)!.toUpperCase(),
      username: flags.saslUsername,
      ...(flags.saslPasswordEnv !== undefined ? { passwordEnv: flags.saslPasswordEnv } : { passwordFile: abs(flags.saslPasswordFile!) }),
    };
  }
  if (flags.tlsCa || flags.tlsCert || flags.tlsKey) {
    kafka.tls = {
      ...(flags.tlsCa ? { ca: abs(flags.tlsCa) } : {}),
      ...(flags.tlsCert ? { cert: abs(flags.tlsCert) } : {}),
      ...(flags.tlsKey ? { key: abs(flags.tlsKey) } : {}),
    };
  } else if (flags.tls) kafka.tls = true;
  if (Object.keys(kafka).length > 0) out.kafka = kafka;

  const registry: Record<string, unknown> = {};
  if (flags.registryUrl) registry.url = flags.registryUrl;
  if (flags.registryUsername !== undefined || flags.registryPasswordEnv !== undefined || flags.registryPasswordFile !== undefined) {
    if (!flags.registryUsername) throw new UsageError('registry basic auth needs --registry-username');
    if ((flags.registryPasswordEnv === undefined) === (flags.registryPasswordFile === undefined)) {
      throw new UsageError('registry basic auth needs one of --registry-password-env or --registry-password-file', {
        hint: 'streamctl never takes a password on the command line (shell history, ps); name an environment variable or a file',
      });
    }
    registry.username = flags.registryUsername;
    if (flags.registryPasswordEnv !== undefined) registry.passwordEnv = flags.registryPasswordEnv;
    else registry.passwordFile = abs(flags.registryPasswordFile!);
  }
  if (Object.keys(registry).length > 0) out.registry = registry;
  if (flags.flinkUrl) out.flink = { url: flags.flinkUrl };
  if (flags.sqlGatewayUrl) out.sqlGateway = { url: flags.sqlGatewayUrl };
  if (flags.postgresUrl) out.postgres = { url: flags.postgresUrl };
  if (flags.readOnly) out.readOnly = true;
  if (flags.timeout !== undefined) out.timeoutMs = parseDurationOption(flags.timeout, '--timeout');
  return out;
}

export function addCommand(io: Io): Command {
  return new Command('add')
    .description('add a context to the user file (comments and the rest of the file are kept)')
    .argument('<name>', 'the new context')
    .option('--brokers <list>', 'Kafka bootstrap servers, comma-separated')
    .addOption(new Option('--sasl-mechanism <mechanism>', 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512'))
    .option('--sasl-username <user>', 'SASL user')
    .option('--sasl-password-env <var>', 'environment variable holding the SASL password')
    .option('--sasl-password-file <file>', 'file holding the SASL password')
    .option('--tls', 'TLS with the system CAs', false)
    .option('--tls-ca <file>', 'TLS with this CA (PEM)')
    .option('--tls-cert <file>', 'client certificate (PEM), for mutual TLS')
    .option('--tls-key <file>', 'client key (PEM), for mutual TLS')
    .option('--registry-url <url>', 'Schema Registry URL (Confluent API)')
    .option('--registry-username <user>', 'registry basic auth user')
    .option('--registry-password-env <var>', 'environment variable holding the registry password')
    .option('--registry-password-file <file>', 'file holding the registry password')
    .option('--flink-url <url>', 'Flink REST URL')
    .option('--sql-gateway-url <url>', 'Flink SQL Gateway URL')
    .option('--postgres-url <url>', 'PostgreSQL URL')
    .option('--read-only', 'refuse commands that change the cluster', false)
    .option('--timeout <duration>', 'connection timeout for this context, e.g. 20s')
    .option('--use', 'also make it the current context', false)
    .option('--force', 'replace a context of the same name', false)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl context add staging --brokers k1.staging:9093,k2.staging:9093 \\
      --sasl-mechanism SCRAM-SHA-512 --sasl-username alice --sasl-password-env STAGING_KAFKA_PASSWORD \\
      --tls-ca ~/certs/staging-ca.pem --registry-url https://registry.staging \\
      --registry-username alice --registry-password-file ~/.secrets/registry --read-only
  $ streamctl context add cloud --brokers pkc-1.cloud:9092 --tls --sasl-mechanism PLAIN \\
      --sasl-username KEY --sasl-password-env CLOUD_SECRET --use

Passwords are never taken on the command line: name the environment variable or file
they are read from when a command connects. Settings left out use the local platform's.`,
    )
    .action((name: string, flags: AddFlags, cmd: Command) => {
      const settings = contextSettings(flags, io.cwd, io.env.HOME || homedir());
      const file = addContext(io.env, name, settings, { replace: flags.force });
      if (flags.use) useContext(io.env, name);
      printResult(io, cmd, {
        data: { context: name, file, current: flags.use },
        table: (d) => {
          const style = makeStyle(colorEnabled(io.stdout, io.env));
          return `${style.green('added')} context ${style.bold(d.context)} to ${d.file}${d.current ? ' and made it current' : ''}\n${style.dim(`see it with \`streamctl context show ${d.context}\``)}`;
        },
      });
    });
}
