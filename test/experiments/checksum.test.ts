// Self-checking bodies and the ledger that counts first deliveries, duplicates and damage.
import { expect, test } from "vitest";
import { DeliveryLedger, isIntact, makeBody, sequenceOf } from "../../src/experiments/checksum";

test("a body carries its sequence number and a checksum of its filler", () => {
  const body = makeBody(41, 64);
  expect(body.length).toBe(64);
  expect(sequenceOf(body)).toBe(41);
  expect(isIntact(body)).toBe(true);
  expect(makeBody(41, 64).equals(body)).toBe(true); // the same message is made the same way
  expect(makeBody(42, 64).subarray(8).equals(body.subarray(8))).toBe(false);
});

test("one flipped bit, or a cut body, fails the check", () => {
  const body = makeBody(7, 32);
  body[20]! ^= 0x01;
  expect(isIntact(body)).toBe(false);
  expect(isIntact(makeBody(7, 32).subarray(0, 5))).toBe(false);
  expect(sequenceOf(Buffer.alloc(3))).toBe(-1);
});

test("the ledger counts unique, duplicated, corrupted, stray and lost messages", () => {
  const ledger = new DeliveryLedger(5);
  for (const seq of [0, 1, 1, 3]) ledger.record(makeBody(seq, 16));
  const damaged = makeBody(2, 16);
  damaged[10]! ^= 0xff;
  expect(ledger.record(damaged)).toBe(-1);
  expect(ledger.record(makeBody(9, 16))).toBe(-1);
  expect({ unique: ledger.unique, duplicated: ledger.duplicated, corrupted: ledger.corrupted, stray: ledger.stray, lost: ledger.lost }).toEqual({
    unique: 3,
    duplicated: 1,
    corrupted: 1,
    stray: 1,
    lost: 2,
  });
});
