// AMQP method ids, from amqplib's protocol definitions.
import { defs } from "../amqplib-internals";

const NAMES = [
  "BasicQos", "BasicQosOk", "BasicConsume", "BasicConsumeOk", "BasicCancel", "BasicCancelOk",
  "BasicPublish", "BasicReturn", "BasicDeliver", "BasicGet", "BasicGetOk", "BasicGetEmpty",
  "BasicAck", "BasicReject", "BasicRecoverAsync", "BasicRecover", "BasicRecoverOk", "BasicNack",
  "BasicProperties", "ConnectionClose", "ConnectionCloseOk", "ChannelOpen", "ChannelOpenOk",
  "ChannelFlow", "ChannelClose", "ChannelCloseOk", "ExchangeDeclare", "ExchangeDeclareOk",
  "ExchangeDelete", "ExchangeDeleteOk", "ExchangeBind", "ExchangeBindOk", "ExchangeUnbind",
  "ExchangeUnbindOk", "QueueDeclare", "QueueDeclareOk", "QueueBind", "QueueBindOk", "QueuePurge",
  "QueuePurgeOk", "QueueDelete", "QueueDeleteOk", "QueueUnbind", "QueueUnbindOk", "TxSelect",
  "TxSelectOk", "TxCommit", "TxCommitOk", "TxRollback", "TxRollbackOk", "ConfirmSelect",
  "ConfirmSelectOk",
] as const;

export type MethodName = (typeof NAMES)[number];

export const M = Object.fromEntries(NAMES.map((n) => [n, defs[n] as number])) as Record<MethodName, number>;
