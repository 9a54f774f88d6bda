import type { Binding, ExchangeRouter, RoutingInput } from "./exchange-type";

/** Routes to every binding; the routing key is ignored. */
export class FanoutExchange implements ExchangeRouter {
  private readonly bindings = new Map<string, Binding>();

  add(binding: Binding): void {
    this.bindings.set(binding.key, binding);
  }

  remove(binding: Binding): void {
    this.bindings.delete(binding.key);
  }

  route(_input: RoutingInput, out: Binding[]): void {
    for (const b of this.bindings.values()) out.push(b);
  }
}
