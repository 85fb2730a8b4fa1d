// Bundled in place of @aws-sdk/credential-provider-node (see infra/route-function.ts): in Lambda
// the execution role's credentials are in the environment, and the SDK's full default chain
// (SSO, web identity, profiles, ...) would add ~60 KB to every bundle and to every cold start.
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
