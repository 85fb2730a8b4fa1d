// privacyIDEA's error envelope, as the binding, counter and delivery tests expect it.
import { expect } from 'vitest';

/** An error answer: the status, `result.error` with the code and the message (exact, or matching). */
export function expectError(
  answer: { status: number; body: any },
  status: number,
  code: number,
  message: string | RegExp,
) {
  expect(answer.status).toBe(status);
  expect(answer.body).toMatchObject({ jsonrpc: '2.0', detail: null, result: { status: false, error: { code } } });
  if (typeof message === 'string') expect(answer.body.result.error.message).toBe(message);
  else expect(answer.body.result.error.message).toMatch(message);
  // An error carries no versionnumber (privacyIDEA's error envelope).
  expect(answer.body.versionnumber).toBeUndefined();
}
