// Bounded retries with back-off, and a parking queue for what still fails.
export {
  planRetryTopology,
  declareRetryTopology,
  deleteRetryTopology,
  type RetryTopology,
  type RetryTopologyOptions,
  type RetryQueueType,
  type DelayLevel,
} from "./topology";
export {
  consumeWithRetry,
  retryCount,
  deathCount,
  describeDeaths,
  republishOptions,
  publishConfirmed,
  PermanentFailure,
  RETRY_COUNT_HEADER,
  type RetryOutcome,
  type RetryConsumer,
  type RetryConsumerOptions,
  type RetryHandler,
} from "./consumer";
export { inspectParked, replayParked, REPLAYED_HEADER, type ParkedMessage, type ReplayOptions } from "./parking";
export { waitUntil, waitForMessage, sleep } from "./wait";
