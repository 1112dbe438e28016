// Public API of the delivery engine: outbox stores, the dispatcher, fire-and-forget, clocks, schedules.
export { createManualClock, type ManualClock, systemClock } from './clock.ts';
export {
  type AttemptEvent,
  createDispatcher,
  type Dispatcher,
  type DispatcherOptions,
  type DispatcherStats,
  type EndpointTarget,
  type SsrfGuard,
  type SsrfVerdict,
} from './dispatcher.ts';
export { OutboxInputError } from './errors.ts';
export {
  createFireAndForget,
  type FireAndForget,
  type FireAndForgetOptions,
  type FireAndForgetResult,
} from './fire-and-forget.ts';
export { newMessageId } from './ids.ts';
export {
  type AttemptContext,
  type AttemptDecision,
  type AttemptFacts,
  classifyFailure,
  decideAttempt,
  type EndpointHealth,
  HEALTHY,
  type HealthVerdict,
  healthVerdict,
  healthWindowMs,
  mergeEndpointHealth,
  nextEndpointHealth,
  type ProfilePolicy,
  profilePolicies,
} from './policy.ts';
export { decideWithRule, type FailedAttempt, type RetryRule } from './policy-hook.ts';
export { createPostgresOutbox, type PostgresOutbox, type PostgresOutboxOptions } from './postgres-store.ts';
export {
  LOCAL_COMPRESSION,
  LOCAL_FLOOR_MS,
  localRetrySchedules,
  parseRetryAfter,
  RETRY_JITTER,
  type RetryMode,
  realRetrySchedules,
  retryDelayMs,
  retrySchedule,
} from './schedules.ts';
export { createSqliteOutbox, type SqliteOutbox, type SqliteOutboxOptions } from './sqlite-store.ts';
export type {
  AttemptRecord,
  ClaimRequest,
  ClaimResult,
  Clock,
  Completion,
  EndpointHealthRow,
  FailureKind,
  ListMessagesQuery,
  Logger,
  MessageStatus,
  MessageWithAttempts,
  NewMessage,
  OutboxMessage,
  OutboxStats,
  OutboxStore,
  ReplayFilter,
  RetryProfile,
  SigningConfig,
  TimerHandle,
} from './types.ts';
