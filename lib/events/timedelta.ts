// authentik's `timedelta_from_string` (`count_steps` of stats/): `key=value` pairs joined by `;`,
// read as Python's datetime.timedelta would take them.

const allowedDeltaKeys = new Set(['microseconds', 'milliseconds', 'seconds', 'minutes', 'hours', 'days', 'weeks']);
const deltaUnitMs: Record<string, number> = {
  microseconds: 0.001,
  milliseconds: 1,
  seconds: 1000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
};
// Python's float(): sign, digits with single underscores, a point, an exponent.
const pythonFloat = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
// datetime.timedelta's limit: 999 999 999 days.
const maxDeltaMs = 999_999_999 * 86_400_000;

/** authentik's `timedelta_from_string` ('hours=1;minutes=3'), in ms; null where it raises. */
export function timedeltaMs(expr: string): number | null {
  const kwargs = new Map<string, number>();
  for (const pair of expr.split(';')) {
    const parts = pair.split('=');
    if (parts.length !== 2) return null;
    const key = (parts[0] as string).toLowerCase();
    if (!allowedDeltaKeys.has(key)) continue;
    const text = (parts[1] as string).trim();
    if (!pythonFloat.test(text)) return null;
    kwargs.set(key, Number(text.replaceAll('_', '')));
  }
  if (kwargs.size === 0) return null;
  let ms = 0;
  for (const [key, value] of kwargs) ms += value * (deltaUnitMs[key] as number);
  return Number.isFinite(ms) && Math.abs(ms) <= maxDeltaMs ? ms : null;
}
