import { Command } from 'commander';
import type { Io } from '../../io.js';
import { deleteTopics } from '../../kafka/topics-admin.js';
import { topicDeleteView } from '../../output/topics.js';
import { confirmOrRefuse } from '../confirm.js';
import { TIMEOUT_HELP, kafkaSession, withAdmin } from '../connect.js';
import { assertWritable, printResult } from '../shared.js';

export function deleteCommand(io: Io): Command {
  return new Command('delete')
    .description('delete topics and their data (asks first on a terminal)')
    .argument('<topics...>', 'the topics')
    .option('-y, --yes', 'delete without asking (needed in scripts)', false)
    .option('--timeout <duration>', TIMEOUT_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl topics delete orders
  $ streamctl topics delete orders orders-dlq --yes

Without --yes, delete asks on a terminal and refuses elsewhere (exit 2). Nothing is
deleted unless every topic named exists.`,
    )
    .action(async (topics: string[], opts: { yes: boolean; timeout?: string }, cmd: Command) => {
      const session = kafkaSession(io, cmd, opts, 'streamctl-topics');
      const what = `delete ${topics.length === 1 ? 'topic' : 'topics'} ${topics.join(', ')}`;
      assertWritable(session.config, what);
      const result = await withAdmin(session, what, async (admin) => {
        const existing = new Set(await admin.listTopics());
        // Asked only once the topics are known to exist, so "yes" is never answered in vain.
        if (topics.every((t) => existing.has(t))) {
          await confirmOrRefuse(io, `Delete ${topics.join(', ')} and all their data (context ${session.config.context.name})?`, {
            yes: opts.yes,
            what,
          });
        }
        return deleteTopics(admin, topics, Math.max(session.timeoutMs, 15_000));
      });
      printResult(io, cmd, { data: result, table: topicDeleteView });
    });
}
