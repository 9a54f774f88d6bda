import type { Fields } from "../../amqplib-internals";
import { amqpEquals, amqpTypeOf, amqpValueText, erlangBinary } from "../amqp-types";
import { BrokerError, PRECONDITION_FAILED } from "../errors";
import type { Binding, ExchangeRouter, RoutingInput } from "./exchange-type";

const MATCH_MODES = ["all", "any", "all-with-x", "any-with-x"];

/**
 * Matches message headers against binding arguments: `x-match` all (the default) or any;
 * arguments starting with `x-` take no part unless the mode ends in `-with-x`; a binding
 * value of void matches any value of a header that is present.
 */
export class HeadersExchange implements ExchangeRouter {
  private readonly bindings = new Map<string, Binding>();

  validate(binding: Binding): void {
    const mode = binding.arguments["x-match"];
    if (mode === undefined) return;
    if (typeof mode !== "string") {
      throw new BrokerError(
        PRECONDITION_FAILED,
        `Invalid x-match field type ${amqpTypeOf(mode)} (value ${amqpValueText(mode)}); expected longstr`,
      );
    }
    if (!MATCH_MODES.includes(mode)) {
      throw new BrokerError(
        PRECONDITION_FAILED,
        `Invalid x-match field value ${erlangBinary(mode)}; expected all, any, all-with-x, or any-with-x`,
      );
    }
  }

  add(binding: Binding): void {
    this.bindings.set(binding.key, binding);
  }

  remove(binding: Binding): void {
    this.bindings.delete(binding.key);
  }

  route(input: RoutingInput, out: Binding[]): void {
    if (!this.bindings.size) return;
    const headers = input.headers();
    for (const b of this.bindings.values()) if (headersMatch(b.arguments, headers)) out.push(b);
  }
}

function headersMatch(args: Fields, headers: Fields): boolean {
  const mode = String(args["x-match"] ?? "all");
  const withX = mode.endsWith("-with-x");
  const any = mode.startsWith("any");
  for (const [key, expected] of Object.entries(args)) {
    if (key === "x-match" || (!withX && key.startsWith("x-"))) continue;
    const present = Object.prototype.hasOwnProperty.call(headers, key);
    const matches = present && (expected === null || amqpEquals(expected, headers[key]));
    if (any && matches) return true;
    if (!any && !matches) return false;
  }
  // No argument matched under "any"; none failed under "all".
  return !any;
}
