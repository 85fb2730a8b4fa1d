// The events the benchmarks ingest: an authentik login_failed with a realistic context, about
// 1 KB as stored and answered.

export function sampleEvent(actor: string, n: number) {
  return {
    action: 'login_failed',
    app: 'authentik.events.signals',
    user: { pk: 4000 + (n % 1000), username: actor, email: `${actor}@example.com`, is_anonymous: false },
    context: {
      http_request: {
        path: '/api/v3/flows/executor/default-authentication-flow/',
        method: 'POST',
        args: { query: 'next=%2Fif%2Fuser%2F%23%2Flibrary' },
        user_agent:
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
        request_id: `5f0b0c1e9a7d4c8f8e2b${String(n).padStart(12, '0')}`,
      },
      stage: { pk: '2b4c6d8e-1f3a-4b5c-9d7e-0a1b2c3d4e5f', app: 'authentik_stages_password', name: 'default-password' },
      password: 'hunter2',
      geo: { city: 'Amsterdam', country: 'NL', continent: 'EU', lat: 52.3759, long: 4.8975 },
      asn: { asn: 1136, as_org: 'KPN B.V.', network: '192.0.2.0/24' },
      reason: 'invalid credentials',
      partition_id: 'tenant-a',
      attempt: n,
    },
    client_ip: `192.0.2.${n % 250}`,
    brand: { pk: '7c9e6679-7425-40de-944b-e07fc1f90ae7', app: 'authentik_brands', name: 'authentik-default' },
  };
}
