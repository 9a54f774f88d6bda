// The queue's building blocks keep order through wrap-around and growth.
import { expect, test } from "vitest";
import { Deque } from "../../src/memory/deque";
import { MinHeap } from "../../src/memory/heap";
import { topicMatches } from "../../src/memory/exchanges/topic";

test("deque keeps FIFO order across wrap-around, growth and unshift", () => {
  const d = new Deque<number>();
  const model: number[] = [];
  let next = 0;
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < (round % 7) + 1; i++) {
      d.push(next);
      model.push(next++);
    }
    for (let i = 0; i < round % 5; i++) expect(d.shift()).toBe(model.shift());
    if (round % 11 === 0) {
      d.unshift(-round);
      model.unshift(-round);
    }
    expect(d.length).toBe(model.length);
    expect(d.peek()).toBe(model[0]);
  }
  expect([...d]).toEqual(model);
});

test("min-heap pops in order and drains sorted", () => {
  const h = new MinHeap<number>((a, b) => a < b);
  const values = [5, 3, 9, 1, 7, 3, 0, 8];
  for (const v of values) h.push(v);
  expect([h.pop(), h.pop()]).toEqual([0, 1]);
  expect(h.drain()).toEqual([3, 3, 5, 7, 8, 9]);
  expect(h.length).toBe(0);
});

test.each([
  ["a.#", "a", true],
  ["#.b", "a.b", true],
  ["a.*.b", "a..b", true],
  ["*", "", false],
  ["#", "", true],
  ["a.#.c", "a.b.b.c", true],
  ["a.#.c", "a.b.b.d", false],
])("topic pattern %s against key %s: %s", (pattern, key, expected) => {
  const words = (k: string) => (k === "" ? [] : k.split("."));
  expect(topicMatches(words(pattern), words(key))).toBe(expected);
});
