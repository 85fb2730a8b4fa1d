// Secrets in an event's context are masked before storage, at any depth.
const secretKey = /api|token|key|secret|pass(?!ing)|signature|http_cookie/i;

export const maskedValue = '********************';

export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value === null || typeof value !== 'object') return value;
  // fromEntries defines own keys, so a key named __proto__ stays data instead of a prototype.
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, secretKey.test(key) ? maskedValue : maskSecrets(inner)]),
  );
}
