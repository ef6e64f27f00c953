import { createCipheriv, createHash, randomBytes } from 'node:crypto';

// Acts as Feishu: encrypts and signs the way the platform does (shared/docs/platforms.md A2), with
// node:crypto only, so tests of src/platforms/feishu check our code against an independent sender.

/** Encrypts a payload the way Feishu does: random IV, AES-256-CBC under SHA-256(key), PKCS#7, base64(iv‖ct). */
export function feishuEncrypt(encryptKey: string, payload: unknown, iv: Buffer = randomBytes(16)): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const plain = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

/** The X-Lark-* headers Feishu sends with a raw body (signed over its exact bytes). */
export function feishuHeaders(
  encryptKey: string,
  rawBody: string | Buffer,
  opts: { timestamp?: number; nonce?: string } = {},
): Record<string, string> {
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? randomBytes(8).toString('hex');
  const signature = createHash('sha256').update(`${timestamp}${nonce}${encryptKey}`).update(rawBody).digest('hex');
  return {
    'content-type': 'application/json; charset=utf-8',
    'x-lark-request-timestamp': timestamp,
    'x-lark-request-nonce': nonce,
    'x-lark-signature': signature,
  };
}

/** A signed, encrypted request body as Feishu posts it. */
export function feishuSignedRequest(
  encryptKey: string,
  payload: unknown,
  opts: { timestamp?: number; nonce?: string; iv?: Buffer } = {},
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({ encrypt: feishuEncrypt(encryptKey, payload, opts.iv) });
  return { body, headers: feishuHeaders(encryptKey, body, opts) };
}
