/** Hides the password of an AMQP URL so it can be printed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "****";
    return parsed.toString();
  } catch {
    // Not a URL we can parse: never risk echoing a secret back.
    return url.replace(/\/\/([^:/@]*):[^@]*@/, "//$1:****@");
  }
}

/** Says, for a human, which broker `connect()` would use. */
export function describeMode(url: string | undefined = process.env.AMQP_URL): string {
  return url ? `RabbitMQ at ${redactUrl(url)}` : "in-memory broker (set AMQP_URL to use a real RabbitMQ)";
}
