import { join } from 'node:path';
import { pipelineSchemaFiles, readText, type PipelineDeps } from './context.js';
import { COUNT_WINDOW_JAR, jobByRef, type PipelineJobKey } from './definition.js';
import { countWindowArgs, renderJobSql, templateValues } from './render.js';
import { settingsOf, type UpOptions } from './up.js';

export interface ShownJob {
  job: PipelineJobKey;
  name: string;
  kind: 'sql' | 'jar';
  /** SQL jobs: the file, filled in, as `pipeline up` submits it (`streamctl flink submit` takes it as is). */
  sql?: string;
  /** Jar jobs: the jar (built by `pipeline up`) and its program arguments. */
  jar?: string;
  args?: string[];
}

/** A job exactly as `up` would submit it, without submitting or building anything. */
export function showJob(deps: Pick<PipelineDeps, 'endpoints' | 'jobsDir' | 'cwd'>, ref: string, options: UpOptions = {}): ShownJob {
  const job = jobByRef(ref);
  const settings = settingsOf(options);
  const name = settings.names.jobName(job);
  if (job.kind === 'jar') {
    return {
      job: job.key,
      name,
      kind: 'jar',
      jar: join(deps.jobsDir, job.path, COUNT_WINDOW_JAR),
      args: countWindowArgs(job, settings, deps.endpoints),
    };
  }
  const schemas = pipelineSchemaFiles(deps.cwd);
  const values = templateValues(settings, deps.endpoints, {
    transactionEvent: readText(schemas.transactionEvent),
    symbolStats: readText(schemas.symbolStats),
  });
  return { job: job.key, name, kind: 'sql', sql: renderJobSql(job, readText(join(deps.jobsDir, job.path)), values) };
}
