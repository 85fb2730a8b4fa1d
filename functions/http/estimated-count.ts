// How a list answer flags a count that is an estimate (docs/data-model.md).

/** The header that flags an estimated count, and its OpenAPI description. */
export const estimatedCountHeader = {
  'x-count-estimated':
    '`true` when the count is an estimate: an exact one would need more reads than one request may make (docs/data-model.md).',
};

export const estimatedHeaders = (estimated: boolean) => (estimated ? { 'x-count-estimated': 'true' } : undefined);
