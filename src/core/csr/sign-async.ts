import { sign, type KeyObject } from 'node:crypto';

/**
 * RSA-SHA256 (PKCS#1 v1.5) signature over `data`, computed on libuv's thread pool (the callback
 * form of crypto.sign), so that signing never blocks the event loop.
 */
export function signSha256Async(data: Buffer, privateKey: KeyObject): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    sign('sha256', data, privateKey, (error, signature) => {
      if (error) reject(error);
      else resolve(signature);
    });
  });
}
