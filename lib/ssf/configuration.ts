// The transmitter's configuration metadata (SSF 1.0 §7.1): every URL from the base URL the
// receiver reached the service at, which is also the issuer of its SETs.
import * as z from 'zod';
import { pollMethod, pushMethod } from './stream.ts';

/** The transmitter's paths; infra/routes.ts serves them (a test keeps both equal). */
export const ssfPaths = {
  configuration: '/.well-known/ssf-configuration',
  jwks: '/ssf/jwks.json',
  stream: '/ssf/stream',
  status: '/ssf/status',
  addSubject: '/ssf/subjects/add',
  removeSubject: '/ssf/subjects/remove',
  verification: '/ssf/verify',
  poll: '/ssf/poll',
} as const;

export const transmitterConfigurationShape = z.object({
  spec_version: z.literal('1_0'),
  issuer: z.string(),
  jwks_uri: z.string(),
  delivery_methods_supported: z.array(z.string()),
  configuration_endpoint: z.string(),
  status_endpoint: z.string(),
  add_subject_endpoint: z.string(),
  remove_subject_endpoint: z.string(),
  verification_endpoint: z.string(),
  authorization_schemes: z.array(z.object({ spec_urn: z.string() })),
  default_subjects: z.literal('ALL'),
});

export function transmitterConfiguration(issuer: string): z.output<typeof transmitterConfigurationShape> {
  return {
    spec_version: '1_0',
    issuer,
    jwks_uri: issuer + ssfPaths.jwks,
    delivery_methods_supported: [pushMethod, pollMethod],
    configuration_endpoint: issuer + ssfPaths.stream,
    status_endpoint: issuer + ssfPaths.status,
    add_subject_endpoint: issuer + ssfPaths.addSubject,
    remove_subject_endpoint: issuer + ssfPaths.removeSubject,
    verification_endpoint: issuer + ssfPaths.verification,
    authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6750' }],
    default_subjects: 'ALL',
  };
}

/** Where a poll stream's receiver fetches its SETs: unique per stream. */
export const pollUrl = (issuer: string, streamId: string) => `${issuer}${ssfPaths.poll}/${streamId}`;

/** The stream's audience: the receiver, that is the admin that created it. */
export const audienceOf = (issuer: string, owner: string) => `${issuer}/ssf/receivers/${encodeURIComponent(owner)}`;
