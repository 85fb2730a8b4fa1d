// The structured log the domain writes to: one JSON line per call, the fields beside the
// message. The functions hand in Powertools' Logger (functions/logger.ts); tests a recorder.
export type LogFields = Record<string, unknown>;

export interface StructuredLog {
  debug(message: string, ...fields: LogFields[]): void;
  info(message: string, ...fields: LogFields[]): void;
  warn(message: string, ...fields: LogFields[]): void;
  error(message: string, ...fields: LogFields[]): void;
}
