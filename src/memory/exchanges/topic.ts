import type { Binding, ExchangeRouter, RoutingInput } from "./exchange-type";

// RabbitMQ splits an empty key into zero words, not one empty word: "" matches "#" but not "*".
const words = (key: string): string[] => (key === "" ? [] : key.split("."));

/** `*` matches exactly one word, `#` zero or more; words are separated by dots. */
export function topicMatches(pattern: string[], key: string[], p = 0, k = 0): boolean {
  for (;;) {
    if (p === pattern.length) return k === key.length;
    const word = pattern[p];
    if (word === "#") {
      // Collapse runs of '#' and try every split point for the rest.
      while (p + 1 < pattern.length && pattern[p + 1] === "#") p += 1;
      if (p + 1 === pattern.length) return true;
      for (let i = k; i <= key.length; i++) if (topicMatches(pattern, key, p + 1, i)) return true;
      return false;
    }
    if (k === key.length) return false;
    if (word !== "*" && word !== key[k]) return false;
    p += 1;
    k += 1;
  }
}

export class TopicExchange implements ExchangeRouter {
  private readonly bindings = new Map<string, { binding: Binding; pattern: string[] }>();

  add(binding: Binding): void {
    this.bindings.set(binding.key, { binding, pattern: words(binding.routingKey) });
  }

  remove(binding: Binding): void {
    this.bindings.delete(binding.key);
  }

  route(input: RoutingInput, out: Binding[]): void {
    const key = words(input.routingKey);
    for (const { binding, pattern } of this.bindings.values()) if (topicMatches(pattern, key)) out.push(binding);
  }
}
