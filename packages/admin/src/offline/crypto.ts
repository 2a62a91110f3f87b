import { offlineDb } from './db';

/** A value sealed with AES-GCM: a fresh 96-bit IV per value, the ciphertext with its tag. */
export interface Sealed {
  iv: Uint8Array;
  data: ArrayBuffer;
}

const KEY_NAME = 'seal';
let key: Promise<CryptoKey> | null = null;

/**
 * The device's sealing key. Generated here and stored as a non-extractable CryptoKey: page scripts can use it but not
 * read it out, and deleting it (logout, idle) makes every sealed copy unreadable even if a deletion was interrupted.
 */
function sealingKey(): Promise<CryptoKey> {
  key ??= (async () => {
    const db = await offlineDb();
    const existing = await db.get('keys', KEY_NAME);
    if (existing) return existing;
    const fresh = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    await db.put('keys', fresh, KEY_NAME);
    return fresh;
  })();
  return key;
}

export async function seal(value: unknown): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await sealingKey(), new TextEncoder().encode(JSON.stringify(value)));
  return { iv, data };
}

/** The value, or null when it cannot be opened (the key was replaced: the copy is from before a logout). */
export async function unseal<T>(sealed: Sealed): Promise<T | null> {
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv as Uint8Array<ArrayBuffer> }, await sealingKey(), sealed.data);
    return JSON.parse(new TextDecoder().decode(plain)) as T;
  } catch {
    return null;
  }
}

/** Forget the key: what it sealed can no longer be read. A new key is made on the next seal. */
export async function dropSealingKey(): Promise<void> {
  key = null;
  const db = await offlineDb();
  await db.delete('keys', KEY_NAME);
}
