// The one module lessons import.
export type * from "./amqp";
export { connect, type ConnectOptions } from "./connect";
export { describeMode, redactUrl } from "./mode";
export { restartBroker, type RestartOptions } from "./restart";
export { txSelect, txCommit, txRollback } from "./transactions";
export { MemoryBroker } from "./memory/broker";
export type * from "./topology";
// -- lab runtime (display, charts, pictures) below this line --
export { show, type ShowOptions, type ShowTarget } from "./lab/show";
export { chart, type ChartOptions, type CustomChartOptions, type VegaLiteSpec } from "./lab/chart";
export { describeBroker, brokerVersion } from "./lab/broker-info";
export { displayBundle, type MimeBundle } from "./lab/display";
export { defineExercise, CaseFailed, type Exercise, type ExerciseContext, type CheckOutcome } from "./exercises/exercise";
export { selfTest, type Question, type SelfTest } from "./exercises/self-test";
export * from "./retry";
export * from "./dedup";
export { lesson04, type BackoffOptions, type BackoffDelays, type DelayedRetryNames, type DeclareDelayedRetry, type GuardedNames, type DeclareGuardedQueue } from "./exercises/lesson04";
export { lesson05, type MakeIdempotent, type PublishReport, type PublishAll, type PublishOrReport } from "./exercises/lesson05";
export * as lesson01 from "./exercises/lesson01";
export * as lesson02 from "./exercises/lesson02";
export * as lesson03 from "./exercises/lesson03";
export { showTable, type Row, type TableOptions } from "./lessons/table";
export { routeAll, type TestMessage } from "./lessons/routing";
export { runInChildProcess, type ChildRun } from "./lessons/child";
export { runWorkers, heldSnapshot, measureRoundTrip, type WorkerSpec, type WorkerStats, type RunStats, type HeldSnapshot } from "./lessons/backpressure";
// -- experiments (lessons 06 and 07, npm run bench) --
export { updateDisplay } from "./lab/display";
export { runAckModes, compareNagle, describeAckMode, crashPoint, ACK_MODES, type AckModeName, type AckModesOptions, type AckModesSettings, type AckModesReport, type AckModeResult, type CrashResult, type NagleReport, type NagleRow } from "./experiments/ack-modes";
export { runDurability, lazyModeSupported, DURABILITY_LEVELS, LEVEL_SETTINGS, STORAGE_KINDS, type DurabilityLevel, type StorageKind, type DurabilityOptions, type DurabilitySettings, type DurabilityReport, type DurabilityResult, type ThroughputFigures, type RecoveryCase, type RecoveryReport, type RecoveryRow, type StorageResult } from "./experiments/durability";
export { liveChart, type LiveChart, type LiveChartOptions } from "./experiments/live-chart";
export { ackModesReference, durabilityReference, describeRecording, SEED_BASELINE, type AckModesReference, type DurabilityReference } from "./experiments/reference";
export { ackModesTable, crashTable, nagleTable, durabilityTable, recoveryTable, storageTable, ackThroughputRows, ackLatencyRows, ackLatencySpec, crashRows, compareAckModes, durabilityRows, recoveryRows, storageRows } from "./experiments/tables";
export { makeBody, isIntact, sequenceOf, DeliveryLedger } from "./experiments/checksum";
export type { ExperimentProgress, ExperimentTarget, RunInfo } from "./experiments/harness";
export type { LatencySummary } from "./experiments/histogram";
