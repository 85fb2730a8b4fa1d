// Event ids are UUIDv7: they sort by creation time and carry the month their item lives in.
import { randomBytes } from 'node:crypto';

export function uuid7(nowMs: number): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(nowMs, 0, 6);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const v7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Milliseconds encoded in a UUIDv7, or null when the text is not one. */
export function uuid7Time(id: string): number | null {
  if (!v7.test(id)) return null;
  return Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
}
