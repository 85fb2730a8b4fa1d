// Event bodies are stored brotli-compressed: a ~1 KB event then fits one write unit.
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

const options = { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } };

export const encodeBody = (value: unknown): Uint8Array => brotliCompressSync(JSON.stringify(value), options);

export const decodeBody = <T>(bytes: Uint8Array): T => JSON.parse(brotliDecompressSync(bytes).toString('utf8')) as T;
