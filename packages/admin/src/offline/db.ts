import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Sealed } from './crypto';

/**
 * The phone's offline store (IndexedDB, this origin only). Three stores:
 * - `keys`: the AES-GCM key that seals everything else; generated on the device, not extractable by scripts.
 * - `cache`: the minimum the visitor needs without a network (who they are, their worklist), sealed, per user.
 * - `outbox`: visits and care services recorded offline, sealed, until the server has them.
 */
export interface CacheEntry {
  /** `${name}:${owner}`: one copy per user (or per token for the user's own profile). */
  key: string;
  savedAt: string;
  box: Sealed;
}

export interface OutboxRecord {
  /** The idempotency key the server deduplicates on: the same record sent twice is stored once. */
  id: string;
  userId: string;
  createdAt: string;
  state: 'PENDING' | 'REFUSED';
  attempts: number;
  /** Everything else (the elder's name, the input, the server's answer), sealed. */
  box: Sealed;
}

interface OfflineSchema extends DBSchema {
  keys: { key: string; value: CryptoKey };
  cache: { key: string; value: CacheEntry };
  outbox: { key: string; value: OutboxRecord; indexes: { byUser: string } };
}

let opened: Promise<IDBPDatabase<OfflineSchema>> | null = null;

export function offlineDb(): Promise<IDBPDatabase<OfflineSchema>> {
  opened ??= openDB<OfflineSchema>('tanfang-offline', 1, {
    upgrade(db) {
      db.createObjectStore('keys');
      db.createObjectStore('cache', { keyPath: 'key' });
      db.createObjectStore('outbox', { keyPath: 'id' }).createIndex('byUser', 'userId');
    },
  });
  return opened;
}
