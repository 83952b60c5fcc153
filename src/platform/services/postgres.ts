import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { ConfigError } from '../../errors.js';
import type { ServiceContext } from './context.js';
import type { ServiceDef } from '../types.js';

/** The database and role the pipeline uses; trust auth on loopback only, so no password exists to leak. */
export const PG_USER = 'streamctl';
export const PG_DATABASE = 'streamctl';

/**
 * PostgreSQL refuses to run as root. Under root we run it as the OS user
 * `postgres` (Debian's package creates it) through setpriv, which execs in
 * place so the recorded PID is the postmaster's own.
 */
function runAs(): { uid: number; gid: number; prefix: string[] } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let ids: string;
  try {
    ids =
      execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim() +
      ' ' +
      execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
  } catch {
    throw new ConfigError('unable to start postgres as root: there is no "postgres" OS user to run it as', {
      hint: 'run streamctl as a normal user, or create the user (useradd --system postgres)',
    });
  }
  const [uid, gid] = ids.split(' ').map(Number) as [number, number];
  return { uid, gid, prefix: ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--init-groups', '--'] };
}

export function postgresService(ctx: ServiceContext): ServiceDef {
  const bin = ctx.pgBin;
  const dataDir = ctx.layout.dataDir('postgres');
  const user = runAs();
  const wrap = (command: string, args: string[]) =>
    user ? { command: user.prefix[0]!, args: [...user.prefix.slice(1), command, ...args] } : { command, args };

  return {
    id: 'postgres',
    group: 'postgres',
    ports: [ctx.ports.postgres],
    marker: dataDir,
    // SIGINT is Postgres's "fast" shutdown: it doesn't wait for idle clients the way SIGTERM's "smart" mode does.
    stopSignal: 'SIGINT',
    async prepare() {
      if (existsSync(join(dataDir, 'PG_VERSION'))) return;
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      if (user) chownSync(dataDir, user.uid, user.gid);
      const { command, args } = wrap(join(bin, 'initdb'), [
        '-D',
        dataDir,
        '-U',
        PG_USER,
        '--auth=trust',
        '--encoding=UTF8',
        '--no-locale',
        '--no-instructions',
      ]);
      try {
        execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
      } catch (err) {
        const stderr = String((err as { stderr?: Buffer }).stderr ?? '')
          .trim()
          .split('\n')
          .pop();
        throw new ConfigError(`unable to initialise the postgres data directory ${dataDir}: ${stderr || 'initdb failed'}`, { cause: err });
      }
    },
    launch() {
      return wrap(join(bin, 'postgres'), [
        '-D',
        dataDir,
        '-p',
        String(ctx.ports.postgres),
        '-c',
        'listen_addresses=127.0.0.1',
        // TCP only: a socket directory would need to be writable by the postgres user wherever we run.
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=200',
        '-c',
        'shared_buffers=128MB',
      ]);
    },
    async afterReady() {
      const client = new pg.Client({
        host: '127.0.0.1',
        port: ctx.ports.postgres,
        user: PG_USER,
        database: 'postgres',
        connectionTimeoutMillis: 5_000,
      });
      await client.connect();
      try {
        const r = await client.query('select 1 from pg_database where datname = $1', [PG_DATABASE]);
        if (r.rowCount === 0) await client.query(`create database ${PG_DATABASE}`);
      } finally {
        await client.end();
      }
    },
  };
}
