// The service's version, as privacyIDEA clients see it in every envelope.
export const serviceVersion = '0.1.0';
