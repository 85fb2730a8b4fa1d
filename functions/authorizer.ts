// The Lambda authorizer: who is calling. A missing or unknown credential is API Gateway's 401
// ("Unauthorized" thrown); a known admin passes with their policy actions, and each route
// function checks the one action it needs and answers 403 in its own dialect.
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { authenticate, credentialFrom } from '../lib/admins/admins.ts';
import { admins } from './deps.ts';
import type { AuthorizerContext } from './http/route-handler.ts';

export async function handler(
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> {
  const credential = credentialFrom(event.headers ?? {});
  const admin = credential && (await authenticate(admins, credential));
  if (!admin) throw new Error('Unauthorized');
  return { isAuthorized: true, context: { admin: admin.name, actions: admin.actions.join(',') } };
}
