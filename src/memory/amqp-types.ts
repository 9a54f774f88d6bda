// The AMQP field type a value travels as. amqplib picks it from the JS value when it encodes a
// table, and RabbitMQ names it in its "inequivalent arg" errors, so both sides must agree.
export function amqpTypeOf(value: unknown): string {
  if (value === null || value === undefined) return "void";
  if (typeof value === "string") return "longstr";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return "double";
    if (value >= -128 && value < 128) return "byte";
    if (value >= -0x8000 && value < 0x8000) return "short";
    if (value >= -0x80000000 && value < 0x80000000) return "signedint";
    return "long";
  }
  if (Buffer.isBuffer(value)) return "binary";
  if (Array.isArray(value)) return "array";
  if (typeof value === "object" && "!" in value) return EXPLICIT[String((value as { "!": unknown })["!"])] ?? "table";
  return "table";
}

const EXPLICIT: Record<string, string> = {
  timestamp: "timestamp",
  double: "double",
  float64: "double",
  float: "float",
  int8: "byte",
  byte: "byte",
  int16: "short",
  short: "short",
  int32: "signedint",
  int: "signedint",
  int64: "long",
  long: "long",
  decimal: "decimal",
};

/** The value as RabbitMQ prints it in error texts ('1000', 'abc', 'true'). */
export function amqpValueText(value: unknown): string {
  if (value && typeof value === "object" && "!" in value) return String((value as unknown as { value: unknown }).value);
  return String(value);
}

const isNumeric = (v: unknown): v is number => typeof v === "number";
const isBinary = (v: unknown): v is string | Buffer => typeof v === "string" || Buffer.isBuffer(v);

/**
 * Equality as RabbitMQ compares table values (argument equivalence, headers matching): numbers
 * must be of the same class (integer or floating point) and equal; other types compare by value,
 * so a longstr and a byte array with the same bytes are equal.
 */
export function amqpEquals(a: unknown, b: unknown): boolean {
  if (isNumeric(a) || isNumeric(b)) {
    return isNumeric(a) && isNumeric(b) && Number.isInteger(a) === Number.isInteger(b) && a === b;
  }
  if (isBinary(a) && isBinary(b)) return Buffer.from(a).equals(Buffer.from(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => amqpEquals(v, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    return ka.length === kb.length && ka.every((k) => k in rb && amqpEquals(ra[k], rb[k]));
  }
  return a === b;
}

/** An Erlang binary as RabbitMQ prints it in error texts: <<"all">>, or <<>> when empty. */
export function erlangBinary(text: string): string {
  return text === "" ? "<<>>" : `<<"${text}">>`;
}
