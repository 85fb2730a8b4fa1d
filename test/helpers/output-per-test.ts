// Every line a test file's process writes is kept with the test that wrote it. Vitest keeps what
// goes through `console` that way (and, with `silent: 'passed-only'`, prints it only for a failed
// test); Powertools' Logger and Metrics and CDK's "Bundling asset" note write to process.stdout and
// process.stderr instead, past that console. This setup file hands those writes to `console`.
// A test that asserts on the service's lines still replaces `write` itself (helpers/output.ts).
type Write = typeof process.stdout.write;
const routed = Symbol.for('idp-event-hub.output-per-test');

for (const [stream, method] of [
  [process.stdout, 'log'],
  [process.stderr, 'error'],
] as const) {
  if ((stream.write as Write & { [routed]?: true })[routed]) continue;
  const original = stream.write;
  let writing = false;
  const write = function (this: typeof stream, chunk: string | Uint8Array, ...rest: unknown[]) {
    // A console that itself writes to this stream (none under vitest's) gets the original write.
    if (writing) return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    writing = true;
    try {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      console[method](text.endsWith('\n') ? text.slice(0, -1) : text);
    } finally {
      writing = false;
    }
    const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    if (done) process.nextTick(done);
    return true;
  };
  stream.write = Object.assign(write, { [routed]: true as const }) as Write;
}
