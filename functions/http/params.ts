// Schemas shared by the privacyIDEA routes, which take any parameters from query, form or JSON.
import * as z from 'zod';

export const anyParams = z.record(z.string(), z.unknown(), {
  error: 'Parameters must be a JSON object or form fields.',
});
export const noParams = z.object({});
export const handlerModuleParameter = z.object({ handlermodule: z.string() });
