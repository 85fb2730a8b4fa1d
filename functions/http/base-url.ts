// Where a client reached the service: PUBLIC_BASE_URL where a domain of its own fronts the API
// (the stack's `publicBaseUrl` context), else from the headers API Gateway sets (`https://<api
// domain>`, locally `http://127.0.0.1:<port>`): for URLs the service hands out (a connector's
// ingest_url) and the issuer of Shared Signals streams.
export const baseUrlOf = (headers: Record<string, string | undefined>) =>
  process.env.PUBLIC_BASE_URL || `${headers['x-forwarded-proto'] ?? 'https'}://${headers.host ?? 'localhost'}`;
