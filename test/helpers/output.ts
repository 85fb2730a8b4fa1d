// The lines a piece of code writes to stdout and stderr, where Powertools' Logger and Metrics
// write their JSON (each line one write, a newline at its end).
type Write = typeof process.stdout.write;

function capture(lines: string[]): () => void {
  const restores = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      lines.push(...text.split('\n').filter((line) => line !== ''));
      (rest.find((arg) => typeof arg === 'function') as (() => void) | undefined)?.();
      return true;
    }) as Write;
    return () => {
      stream.write = original;
    };
  });
  return () => {
    for (const restore of restores) restore();
  };
}

/** What `run` writes, line by line. */
export function outputOf(run: () => void): string[] {
  const lines: string[] = [];
  const stop = capture(lines);
  try {
    run();
  } finally {
    stop();
  }
  return lines;
}

/** Runs `run`, adding what it writes to `lines`. */
export async function withOutput<T>(lines: string[], run: () => Promise<T>): Promise<T> {
  const stop = capture(lines);
  try {
    return await run();
  } finally {
    stop();
  }
}
