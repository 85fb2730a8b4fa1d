// Secrets in an event's context are masked before storage, at any depth.
const secretKey = /api|token|key|secret|pass(?!ing)|signature|http_cookie/i;

export const maskedValue = '********************';

export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value === null || typeof value !== 'object') return value;
  const masked: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    masked[key] = secretKey.test(key) ? maskedValue : maskSecrets(inner);
  }
  return masked;
}
