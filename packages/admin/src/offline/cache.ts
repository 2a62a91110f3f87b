import { seal, unseal } from './crypto';
import { offlineDb } from './db';

/**
 * Offline copies of what a visitor needs in the village: only what the screen shows (masked summaries, no ID
 * numbers or phone numbers beyond what the worklist already masks), one copy per user, replaced on every online load.
 */
export async function saveOfflineCopy(name: string, owner: string, value: unknown): Promise<void> {
  const db = await offlineDb();
  await db.put('cache', { key: `${name}:${owner}`, savedAt: new Date().toISOString(), box: await seal(value) });
}

export interface OfflineCopy<T> {
  value: T;
  savedAt: Date;
}

export async function loadOfflineCopy<T>(name: string, owner: string): Promise<OfflineCopy<T> | null> {
  const db = await offlineDb();
  const entry = await db.get('cache', `${name}:${owner}`);
  if (!entry) return null;
  const value = await unseal<T>(entry.box);
  return value === null ? null : { value, savedAt: new Date(entry.savedAt) };
}

/** Every offline copy (not the outbox): on logout and after the idle time. */
export async function clearOfflineCopies(): Promise<void> {
  const db = await offlineDb();
  await db.clear('cache');
}

/** A short digest of the session token: the cached profile belongs to this login, not to whoever opens the app next. */
export async function tokenDigest(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest).slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
}
