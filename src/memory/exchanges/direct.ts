import type { Binding, ExchangeRouter, RoutingInput } from "./exchange-type";

/** Routes to every binding whose key equals the routing key: all of them, never round-robin. */
export class DirectExchange implements ExchangeRouter {
  private readonly byKey = new Map<string, Map<string, Binding>>();

  add(binding: Binding): void {
    let bindings = this.byKey.get(binding.routingKey);
    if (!bindings) this.byKey.set(binding.routingKey, (bindings = new Map()));
    bindings.set(binding.key, binding);
  }

  remove(binding: Binding): void {
    const bindings = this.byKey.get(binding.routingKey);
    bindings?.delete(binding.key);
    if (bindings?.size === 0) this.byKey.delete(binding.routingKey);
  }

  route(input: RoutingInput, out: Binding[]): void {
    const bindings = this.byKey.get(input.routingKey);
    if (bindings) for (const b of bindings.values()) out.push(b);
  }
}
