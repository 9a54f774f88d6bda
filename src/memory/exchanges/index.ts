import { DirectExchange } from "./direct";
import type { ExchangeRouter } from "./exchange-type";
import { FanoutExchange } from "./fanout";
import { HeadersExchange } from "./headers";
import { TopicExchange } from "./topic";

export type { Binding, ExchangeRouter, RoutingInput } from "./exchange-type";

const TYPES: Record<string, () => ExchangeRouter> = {
  direct: () => new DirectExchange(),
  fanout: () => new FanoutExchange(),
  topic: () => new TopicExchange(),
  headers: () => new HeadersExchange(),
};

export const isExchangeType = (type: string): boolean => type in TYPES;

export function createRouter(type: string): ExchangeRouter {
  return TYPES[type]();
}
