// The SSF signing keys held in AWS KMS (an RSA_2048 SIGN_VERIFY key the stack makes): the public
// key once when a key joins, and one Sign per SET over the digest the domain computed. The client
// is built with the first call; tests hand in a fake one.
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import type { KeyHolder } from '../ssf/held-keys.ts';

export const kmsSigningAlgorithm = 'RSASSA_PKCS1_V1_5_SHA_256';

export function kmsKeyHolder(client?: KMSClient): KeyHolder {
  const kms = () => {
    client ??= new KMSClient({});
    return client;
  };
  return {
    async publicKey(keyId) {
      const answer = await kms().send(new GetPublicKeyCommand({ KeyId: keyId }));
      if (answer.KeySpec !== 'RSA_2048' || answer.KeyUsage !== 'SIGN_VERIFY' || !answer.PublicKey)
        throw new Error(`KMS key ${keyId} is not an RSA_2048 SIGN_VERIFY key`);
      return answer.PublicKey;
    },
    async signDigest(keyId, digest) {
      const answer = await kms().send(
        new SignCommand({
          KeyId: keyId,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: kmsSigningAlgorithm,
        }),
      );
      if (!answer.Signature) throw new Error(`KMS answered no signature for key ${keyId}`);
      return answer.Signature;
    },
  };
}
