import { Command } from 'commander';
import type { Io } from '../../io.js';
import { followLog, readLogTail, serviceIds } from '../../platform/logs.js';
import { loadConfig, parseIntOption } from '../shared.js';

export function logsCommand(io: Io): Command {
  return new Command('logs')
    .description('print the log of one local platform service')
    .argument('<service>', `one of: ${serviceIds(3).join(', ')} (or kafka for kafka-1)`)
    .option('-n, --lines <n>', 'how many lines from the end', parseIntOption('--lines'), 100)
    .option('-f, --follow', 'keep printing new lines until interrupted', false)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl dev logs kafka-1
  $ streamctl dev logs flink-jobmanager -n 500
  $ streamctl dev logs registry -f`,
    )
    .action(async (service: string, opts: { lines: number; follow: boolean }) => {
      const config = loadConfig(io);
      const { file, text } = readLogTail(config.dev, service, opts.lines);
      io.stdout.write(text);
      if (opts.follow) await followLog(file, (chunk) => io.stdout.write(chunk));
    });
}
