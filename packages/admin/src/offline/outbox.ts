import type { Client } from '@urql/core';
import { computed, ref } from 'vue';
import type { RecordVisitInput } from '../gql/graphql';
import { readProblem } from '../forms/fieldErrors';
import { dropSealingKey, seal, unseal } from './crypto';
import { offlineDb, type OutboxRecord } from './db';
import { UploadVisitMutation } from './outbox.graphql';

/** What the visitor sees of a queued visit; the input itself stays sealed until it is sent. */
export interface OutboxEntry {
  id: string;
  createdAt: Date;
  state: 'PENDING' | 'REFUSED';
  attempts: number;
  elderId: string;
  elderName: string;
  /** e.g. 「上门探访 · 12月4日 10:30」, written by the form that queued it. */
  summary: string;
  /** Why the server refused it, in the words it gave (already in the user's language). */
  refusal: { code: string; message: string; fields: Record<string, string>; at: string } | null;
}

interface Sealed {
  elderId: string;
  elderName: string;
  summary: string;
  input: RecordVisitInput;
  refusal: OutboxEntry['refusal'];
}

const entries = ref<OutboxEntry[]>([]);
const sending = ref(false);
let owner: string | null = null;

/** The signed-in user's queue, newest first; `pending` counts what still waits for the network. */
export function useOutbox() {
  return {
    entries,
    sending,
    pending: computed(() => entries.value.filter((e) => e.state === 'PENDING').length),
    refused: computed(() => entries.value.filter((e) => e.state === 'REFUSED').length),
  };
}

/** Load the queue of this user (after login, or after a reload). */
export async function openOutbox(userId: string | null): Promise<void> {
  owner = userId;
  await reload();
}

async function reload(): Promise<void> {
  if (!owner) {
    entries.value = [];
    return;
  }
  const db = await offlineDb();
  const records = await db.getAllFromIndex('outbox', 'byUser', owner);
  const shown: OutboxEntry[] = [];
  for (const r of records) {
    const inside = await unseal<Sealed>(r.box);
    shown.push({
      id: r.id, createdAt: new Date(r.createdAt), state: r.state, attempts: r.attempts,
      elderId: inside?.elderId ?? '', elderName: inside?.elderName ?? '（无法读取）', summary: inside?.summary ?? '', refusal: inside?.refusal ?? null,
    });
  }
  entries.value = shown.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/** Keep a visit on the device until it can be sent. Its idempotency key makes a later double send harmless. */
export async function queueVisit(userId: string, input: RecordVisitInput & { idempotencyKey: string }, elderName: string, summary: string): Promise<void> {
  const db = await offlineDb();
  const record: OutboxRecord = {
    id: input.idempotencyKey, userId, createdAt: new Date().toISOString(), state: 'PENDING', attempts: 0,
    box: await seal({ elderId: String(input.elderId), elderName, summary, input, refusal: null } satisfies Sealed),
  };
  await db.put('outbox', record);
  if (owner === userId) await reload();
}

/** Errors that say "not now" rather than "not this": the record stays queued and is tried again later. */
const TRANSIENT = new Set(['SERVICE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR', 'UNAUTHENTICATED', 'TOO_MANY_REQUESTS']);

export interface FlushResult {
  sent: number;
  refused: number;
  /** Stopped early: no network, the server is down, or the login expired. */
  interrupted: boolean;
}

/**
 * Send the user's queued visits, oldest first, one at a time. A record leaves the device only when the server has
 * it; a refusal (the elder's archive closed or moved meanwhile, a field the server rejects) keeps it, marked with
 * the server's reason, until the visitor deletes it — nothing is dropped without them seeing it.
 */
export async function flushOutbox(client: Client): Promise<FlushResult> {
  const result: FlushResult = { sent: 0, refused: 0, interrupted: false };
  if (!owner || sending.value) return result;
  sending.value = true;
  try {
    const db = await offlineDb();
    const records = (await db.getAllFromIndex('outbox', 'byUser', owner))
      .filter((r) => r.state === 'PENDING')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const record of records) {
      const inside = await unseal<Sealed>(record.box);
      if (!inside) continue;
      const answer = await client.mutation(UploadVisitMutation, { input: inside.input }, { requestPolicy: 'network-only' }).toPromise();
      const problem = answer.error?.graphQLErrors[0];
      if (answer.data?.recordVisit) {
        await db.delete('outbox', record.id);
        result.sent += 1;
        continue;
      }
      const code = String(problem?.extensions?.code ?? '');
      if (!problem || TRANSIENT.has(code)) {
        await db.put('outbox', { ...record, attempts: record.attempts + 1 });
        result.interrupted = true;
        break;
      }
      const { fields } = readProblem(answer.error);
      const refusal = { code, message: problem.message, fields, at: new Date().toISOString() };
      await db.put('outbox', { ...record, state: 'REFUSED', attempts: record.attempts + 1, box: await seal({ ...inside, refusal } satisfies Sealed) });
      result.refused += 1;
    }
  } finally {
    sending.value = false;
    await reload();
  }
  return result;
}

/** The visitor chose to send a refused record again (e.g. after the town fixed the archive). */
export async function retryQueued(id: string): Promise<void> {
  const db = await offlineDb();
  const record = await db.get('outbox', id);
  if (record) await db.put('outbox', { ...record, state: 'PENDING' });
  await reload();
}

/** The input of a queued record, to open it again in the form. */
export async function queuedInput(id: string): Promise<RecordVisitInput | null> {
  const db = await offlineDb();
  const record = await db.get('outbox', id);
  return record ? ((await unseal<Sealed>(record.box))?.input ?? null) : null;
}

/** Delete one record for good (the visitor confirmed). */
export async function discardQueued(id: string): Promise<void> {
  const db = await offlineDb();
  await db.delete('outbox', id);
  await reload();
}

/** How many records any user left on this device (logout keeps them; the key is kept while there are any). */
export async function queuedOnDevice(): Promise<number> {
  const db = await offlineDb();
  return db.count('outbox');
}

/** After logout or the idle time: the key goes too when nothing waits to upload, so nothing sealed stays readable. */
export async function closeOutbox(): Promise<void> {
  owner = null;
  entries.value = [];
  if ((await queuedOnDevice()) === 0) await dropSealingKey();
}
