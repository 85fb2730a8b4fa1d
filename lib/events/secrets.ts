// Secrets in an event's context, user and brand are masked before storage, at any depth.
// A key is secret when it matches authentik's cleansing (cleanse_dict in authentik/events/utils.py:
// Django's hidden_settings API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE, case-insensitive,
// sparing "passing") or names an HTTP credential header (Authorization, Proxy-Authorization,
// Cookie, Set-Cookie, in any spelling such as HTTP_AUTHORIZATION).
const secretKey = /api|token|key|secret|pass(?!ing)|signature|cookie|authori[sz]ation/i;

export const maskedValue = '********************';

export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value === null || typeof value !== 'object') return value;
  // fromEntries defines own keys, so a key named __proto__ stays data instead of a prototype.
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, secretKey.test(key) ? maskedValue : maskSecrets(inner)]),
  );
}
