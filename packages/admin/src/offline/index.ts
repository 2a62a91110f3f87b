import type { Client } from '@urql/core';
import { ref } from 'vue';
import { onSessionEnd, useSession } from '../composables/useSession';
import type { MeFieldsFragment } from '../gql/graphql';
import { clearOfflineCopies, loadOfflineCopy, saveOfflineCopy, tokenDigest } from './cache';
import { forgetActivity, idleExpired, stopIdleWatch, watchIdle } from './idle';
import { closeOutbox, flushOutbox, openOutbox } from './outbox';

export { loadOfflineCopy, saveOfflineCopy } from './cache';
export { discardQueued, flushOutbox, queuedInput, queueVisit, retryQueued, useOutbox, type OutboxEntry } from './outbox';

/** Whether the browser says it has a network; pages show offline copies and queue writes while it is false. */
export const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine);

let started: string | null = null;
let client: Client | null = null;
let retryTimer: ReturnType<typeof setInterval> | null = null;

/** Send what waits, now (when the network is back, after a login, or when the visitor asks). */
export function sendQueued(): Promise<unknown> {
  return client && online.value ? flushOutbox(client) : Promise.resolve();
}

export function installOffline(theClient: Client, onIdle: () => void): void {
  client = theClient;
  window.addEventListener('online', () => {
    online.value = true;
    void sendQueued();
  });
  window.addEventListener('offline', () => {
    online.value = false;
  });
  idleHandler = onIdle;
  // Whatever ends the session (logout, expiry, idle) deletes the offline copies; queued visits stay (see outbox.ts).
  onSessionEnd(() => void endOfflineSession());
}

let idleHandler: () => void = () => {};

/**
 * The signed-in user is known (online from the API, offline from the sealed copy): keep a sealed copy of the
 * profile for the next offline start, open their queue, start the idle clock and send what waits.
 */
export async function startOfflineSession(user: MeFieldsFragment, token: string): Promise<boolean> {
  if (started === user.id) return true;
  // Opened again after the idle time (the phone was put away): the session ends here, before anything is shown.
  if (idleExpired(user.idleMinutes)) {
    useSession().end();
    return false;
  }
  started = user.id;
  await saveOfflineCopy('me', await tokenDigest(token), user);
  await openOutbox(user.id);
  watchIdle(user.idleMinutes, () => {
    useSession().end();
    idleHandler();
  });
  retryTimer ??= setInterval(() => void sendQueued(), 60_000);
  void sendQueued();
  return true;
}

/** The profile saved at the last online start of this same login, to open the app without a network. */
export async function offlineProfile(token: string): Promise<MeFieldsFragment | null> {
  return (await loadOfflineCopy<MeFieldsFragment>('me', await tokenDigest(token)))?.value ?? null;
}

async function endOfflineSession(): Promise<void> {
  started = null;
  if (retryTimer) clearInterval(retryTimer);
  retryTimer = null;
  stopIdleWatch();
  forgetActivity();
  await clearOfflineCopies();
  await closeOutbox();
}
