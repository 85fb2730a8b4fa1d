// What a request may carry, checked at the edge before any domain code runs (README "Request
// limits"). A request over a limit is refused in the route's dialect and nothing is written.
export const requestLimits = {
  /** Bytes of body as received: after base64 when the gateway encoded it, before UTF-8 or URL decoding. */
  bodyBytes: 64 * 1024,
  /** Levels of objects and arrays in a JSON body, the body itself counting as one: DynamoDB maps nest ≤ 32. */
  jsonDepth: 32,
} as const;
