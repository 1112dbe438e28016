export {
  CALLBACK_SCHEMES,
  type CallbackTarget,
  type CallbackTargetError,
  type CallbackTargetKind,
  isHttpTarget,
  type ParsedCallbackTarget,
  parseCallbackTarget,
} from './callback-target.ts';
export { type CloudEvent, cloudEventOf, parseCloudEvent } from './cloud-event.ts';
export {
  type ConsumerCrash,
  INJECTED_BROKER_DOWN,
  onTransportFault,
  setTransportFault,
  type TransportFaultBoard,
  type TransportFaultState,
  transportFault,
  transportFaultBoard,
} from './faults.ts';
export { createHttpTransport, type HttpTransportOptions } from './http-transport.ts';
export {
  createMailTransport,
  DEFAULT_SMTP_URL,
  type MailTransportOptions,
  renderEventMail,
} from './mail-transport.ts';
export {
  type ConsumeQueueOptions,
  consumeQueue,
  createQueueBroker,
  createQueueTransport,
  type QueueBrokerOptions,
  type QueueConsumer,
  type QueueMessageInfo,
  type QueueTransportOptions,
} from './queue.ts';
export type { QueueBroker, QueueDelivery, QueueDepth, ReceiveOptions } from './queue-broker.ts';
export type { ArrivalExchange, ArrivalRecorder } from './record.ts';
export { createRedisQueue, type RedisQueueOptions } from './redis-queue.ts';
export {
  createTransportRouter,
  type TransportRouter,
  type TransportSettings,
  transportSettingsFromEnv,
} from './router.ts';
export { createSqliteQueue, defaultQueueFile, type SqliteQueueOptions } from './sqlite-queue.ts';
export {
  createTopicTransport,
  DEFAULT_TOPIC_PORT,
  ensureEmbeddedBroker,
  mqttTopicOf,
  type SubscribeTopicOptions,
  stopEmbeddedBroker,
  subscribeTopic,
  type TopicSubscription,
  type TopicTransportOptions,
} from './topic.ts';
export type { Transport, TransportRequest, TransportResult } from './types.ts';
