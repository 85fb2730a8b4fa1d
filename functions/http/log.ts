// Unexpected errors are logged as one JSON line: name, message and stack, never the request.
export function logError(where: string, error: unknown) {
  const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
  console.error(JSON.stringify({ level: 'ERROR', where, name, message, stack }));
}
