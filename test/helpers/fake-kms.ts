// A stand-in for AWS KMS in tests: RSA 2048 key pairs made here with node:crypto, answering
// GetPublicKey (SPKI DER) and Sign as KMS does for RSASSA_PKCS1_V1_5_SHA_256 (the DigestInfo of
// a SHA-256 digest, PKCS#1 v1.5 padded, with the private key). Anything else is refused, so a
// wrong algorithm, message type or key id fails the test that sent it.
import { constants, createHash, generateKeyPairSync, type KeyObject, privateEncrypt } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';

// DER of DigestInfo { sha256, NULL } up to the 32 digest bytes (RFC 8017 §9.2, note 1).
const sha256DigestInfo = Buffer.from('3031300d060960864801650304020105000420', 'hex');

export interface FakeKms {
  client: KMSClient;
  /** Makes a key; its ARN names it in every command. */
  createKey(): string;
  /** Every command sent, by name and input. */
  sent: { name: string; input: Record<string, unknown> }[];
}

function signature(privateKey: KeyObject, input: Record<string, unknown>): Uint8Array {
  if (input.SigningAlgorithm !== 'RSASSA_PKCS1_V1_5_SHA_256') throw new Error('unsupported SigningAlgorithm');
  const message = Buffer.from(input.Message as Uint8Array);
  const digest =
    input.MessageType === 'DIGEST'
      ? message
      : input.MessageType === 'RAW'
        ? createHash('sha256').update(message).digest()
        : undefined;
  if (digest?.length !== 32) throw new Error('ValidationException: a SHA-256 digest is 32 bytes');
  return privateEncrypt(
    { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
    Buffer.concat([sha256DigestInfo, digest]),
  );
}

export function fakeKms(): FakeKms {
  const keys = new Map<string, { publicKey: KeyObject; privateKey: KeyObject }>();
  const sent: FakeKms['sent'] = [];
  const key = (input: Record<string, unknown>) => {
    const found = keys.get(input.KeyId as string);
    if (!found)
      throw Object.assign(new Error(`NotFoundException: ${String(input.KeyId)}`), { name: 'NotFoundException' });
    return found;
  };
  const client = {
    async send(command: GetPublicKeyCommand | SignCommand) {
      const input = command.input as unknown as Record<string, unknown>;
      sent.push({ name: command.constructor.name, input });
      if (command instanceof GetPublicKeyCommand)
        return {
          KeyId: input.KeyId,
          KeySpec: 'RSA_2048',
          KeyUsage: 'SIGN_VERIFY',
          PublicKey: new Uint8Array(key(input).publicKey.export({ type: 'spki', format: 'der' })),
          SigningAlgorithms: ['RSASSA_PKCS1_V1_5_SHA_256'],
        };
      if (command instanceof SignCommand)
        return {
          KeyId: input.KeyId,
          Signature: signature(key(input).privateKey, input),
          SigningAlgorithm: input.SigningAlgorithm,
        };
      throw new Error(`the fake KMS does not answer ${(command as object).constructor.name}`);
    },
  } as unknown as KMSClient;
  return {
    client,
    sent,
    createKey() {
      const arn = `arn:aws:kms:eu-west-1:111122223333:key/${crypto.randomUUID()}`;
      keys.set(arn, generateKeyPairSync('rsa', { modulusLength: 2048 }));
      return arn;
    },
  };
}
