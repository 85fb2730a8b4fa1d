import { transmitterConfiguration, transmitterConfigurationShape } from '../lib/ssf/configuration.ts';
import { baseUrlOf } from './http/base-url.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /.well-known/ssf-configuration',
  {
    summary: 'The Shared Signals transmitter configuration (SSF 1.0 §7)',
    response: { status: 200, body: transmitterConfigurationShape, description: 'The transmitter metadata.' },
  },
  ({ headers }) => ({ status: 200, body: transmitterConfiguration(baseUrlOf(headers)) }),
);
