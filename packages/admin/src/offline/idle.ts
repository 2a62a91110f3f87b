/**
 * The idle time: after `minutes` without a touch, key or scroll, the console ends its session on this device and
 * deletes its offline copies. The last activity is kept in localStorage, so closing the app and reopening it hours
 * later counts as idle too.
 */
const LAST_ACTIVE = 'tanfang.lastActive';
const EVENTS = ['pointerdown', 'keydown', 'scroll', 'touchstart'] as const;

let timer: ReturnType<typeof setInterval> | null = null;
let stopListening: (() => void) | null = null;

export function markActive(): void {
  localStorage.setItem(LAST_ACTIVE, String(Date.now()));
}

/** True when the device has been idle longer than allowed since the last recorded activity. */
export function idleExpired(minutes: number, now = Date.now()): boolean {
  const last = Number(localStorage.getItem(LAST_ACTIVE) ?? '0');
  return last > 0 && now - last > minutes * 60_000;
}

export function watchIdle(minutes: number, onIdle: () => void): void {
  stopIdleWatch();
  if (idleExpired(minutes)) {
    onIdle();
    return;
  }
  markActive();
  // Activity is recorded at most every 15 s: a scroll fires hundreds of events.
  let last = 0;
  const onActivity = () => {
    const now = Date.now();
    if (now - last > 15_000) {
      last = now;
      markActive();
    }
  };
  for (const e of EVENTS) window.addEventListener(e, onActivity, { passive: true });
  stopListening = () => {
    for (const e of EVENTS) window.removeEventListener(e, onActivity);
  };
  timer = setInterval(() => {
    if (idleExpired(minutes)) {
      stopIdleWatch();
      onIdle();
    }
  }, 30_000);
}

export function stopIdleWatch(): void {
  if (timer) clearInterval(timer);
  timer = null;
  stopListening?.();
  stopListening = null;
}

export function forgetActivity(): void {
  localStorage.removeItem(LAST_ACTIVE);
}
