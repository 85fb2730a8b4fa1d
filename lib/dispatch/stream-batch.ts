// What a stream batch of stored events goes through as a whole, before its post bindings: the
// detection rules count it, then the Shared Signals streams are given its events. Either failing
// leaves the whole batch to be delivered again, which counts and queues nothing twice (rules keep
// each shard's stream position, a SET queued again keeps its jti).
import type { StructuredLog } from '../log.ts';
import { evaluateRulesLive, type LiveRuleDeps, type StreamedEvent } from '../rules/live.ts';
import { type TransmitDeps, transmitEvents } from '../ssf/transmit.ts';

export interface StreamBatchDeps {
  readonly rules: LiveRuleDeps;
  readonly signals: TransmitDeps;
  readonly log: StructuredLog;
}

/** Counts the batch by the rules and signals it; false (logged) when the batch must come again. */
export async function countAndSignal(deps: StreamBatchDeps, batch: readonly StreamedEvent[]): Promise<boolean> {
  try {
    await evaluateRulesLive(deps.rules, batch);
  } catch (error) {
    deps.log.error('stream batch not counted by the detection rules', { error });
    return false;
  }
  try {
    await transmitEvents(
      deps.signals,
      batch.map((streamed) => streamed.event),
    );
  } catch (error) {
    deps.log.error('stream batch not signalled to the Shared Signals streams', { error });
    return false;
  }
  return true;
}
