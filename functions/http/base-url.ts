// Where a client reached the service (`https://<api domain>`, locally `http://127.0.0.1:<port>`),
// from the headers API Gateway sets: for URLs the service hands out (a connector's ingest_url).
export const baseUrlOf = (headers: Record<string, string | undefined>) =>
  `${headers['x-forwarded-proto'] ?? 'https'}://${headers.host ?? 'localhost'}`;
