// Counter changes of pre bindings are not written while the bindings run: they are collected
// and committed in the event's own transaction, so an event that is refused moves no counter.
import { PermanentFailure } from '../handlers/failure.ts';
import type { CounterActions } from '../handlers/runners.ts';

export type CounterOp = 'increase' | 'decrease' | 'decrease_clamped' | 'reset';

/** What the pre bindings of one event do to one counter, in order. */
export interface CounterChange {
  name: string;
  ops: CounterOp[];
}

/** The value after the changes; `decrease_clamped` leaves 0 (or less) where it is. */
export function applyCounterOps(value: number, ops: readonly CounterOp[]): number {
  let next = value;
  for (const op of ops) {
    if (op === 'increase') next += 1;
    else if (op === 'decrease') next -= 1;
    else if (op === 'decrease_clamped') next = next > 0 ? next - 1 : next;
    else next = 0;
  }
  return next;
}

/** Counters one event's pre bindings may change: they share one transaction (100 items) with the event. */
export const maxPreCounters = 25;

export interface PreCounterRun {
  /** What the Counter runner calls: each answers the value the counter will have. */
  actions: CounterActions;
  /** A counter's value as this run sees it (conditions): stored value and the changes so far. */
  value(name: string): Promise<number>;
  /** The run ended in time: its changes are part of the event. */
  keep(): void;
}

export interface PendingCounters {
  /** One binding's run; what it changes counts only after `keep()` (a run that overran is dropped). */
  run(): PreCounterRun;
  changes(): CounterChange[];
}

/** `read` is the stored value (a missing counter is 0); it is read once per counter and event. */
export function pendingCounters(read: (name: string) => Promise<number>): PendingCounters {
  const kept = new Map<string, CounterOp[]>();
  const stored = new Map<string, Promise<number>>();
  const storedValue = (name: string) => {
    let value = stored.get(name);
    if (value === undefined) {
      value = read(name);
      stored.set(name, value);
    }
    return value;
  };
  return {
    run() {
      const local = new Map<string, CounterOp[]>();
      const value = async (name: string) =>
        applyCounterOps(await storedValue(name), [...(kept.get(name) ?? []), ...(local.get(name) ?? [])]);
      const change = (name: string, op: CounterOp) => {
        if (!kept.has(name) && !local.has(name) && new Set([...kept.keys(), ...local.keys()]).size >= maxPreCounters) {
          throw new PermanentFailure(`more than ${maxPreCounters} counters would change with one event`);
        }
        local.set(name, [...(local.get(name) ?? []), op]);
        return value(name);
      };
      return {
        actions: {
          increase: async (name) => change(name, 'increase'),
          decrease: async (name, allowNegative) => change(name, allowNegative ? 'decrease' : 'decrease_clamped'),
          reset: async (name) => change(name, 'reset'),
        },
        value,
        keep() {
          for (const [name, ops] of local) kept.set(name, [...(kept.get(name) ?? []), ...ops]);
          local.clear();
        },
      };
    },
    changes: () => [...kept].map(([name, ops]) => ({ name, ops })),
  };
}
