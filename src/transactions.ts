// AMQP transactions (tx.select / tx.commit / tx.rollback). amqplib has no public API for them,
// so the methods go through the channel's own rpc; the in-memory broker answers the same methods.
import type { Channel } from "./amqp";
import { channelRpc } from "./amqplib-internals";

/** Puts the channel in transactional mode: publishes and acks wait for `txCommit`. */
export async function txSelect(channel: Channel): Promise<void> {
  await channelRpc(channel, "TxSelect", {}, "TxSelectOk");
}

/** Makes every publish and ack since the last commit or rollback take effect. */
export async function txCommit(channel: Channel): Promise<void> {
  await channelRpc(channel, "TxCommit", {}, "TxCommitOk");
}

/** Discards every publish and ack since the last commit or rollback. */
export async function txRollback(channel: Channel): Promise<void> {
  await channelRpc(channel, "TxRollback", {}, "TxRollbackOk");
}
