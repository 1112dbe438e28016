// The hub's durable job kinds and their step handlers (the runner lives in context.ts).
import type { JobHandler } from '@hooklab/db';
import type { HubContext } from '../context.ts';
import { PUBLISH_JOB, publishTopic } from './publish.ts';
import { SWEEP_JOB, sweepLeases, VERIFY_JOB, verifyIntent } from './subscriptions.ts';

export function createJobHandlers(ctx: HubContext): Record<string, JobHandler> {
  return {
    [VERIFY_JOB]: (job) => verifyIntent(ctx, job.subjectId),
    [PUBLISH_JOB]: (job) => publishTopic(ctx, job.subjectId),
    [SWEEP_JOB]: () => sweepLeases(ctx),
  };
}
