// CPU seconds of processes, read from /proc (Linux). The bench's first figure for PostgreSQL was "the machine minus
// the server and the load generator", which is only right on an idle machine; on a shared one (other sessions'
// tests running) it counts their work too. The postmaster's own tree is exact: its live backends' time, plus the
// time of backends that have exited (reaped by the postmaster, so counted in its cutime/cstime).
import fs from 'node:fs';

function stat(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  } catch {
    return null;
  }
}

/** utime + stime of one process, in seconds. */
export function cpuSeconds(pid) {
  const f = stat(pid);
  return f ? (Number(f[11]) + Number(f[12])) / 100 : 0;
}

function children(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The postmaster and everything under it: live processes' own time plus exited children's (cutime + cstime). */
export function treeCpuSeconds(pid) {
  const f = stat(pid);
  if (!f) return 0;
  let total = (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
  for (const child of children(pid)) total += treeCpuSeconds(child);
  return total;
}

/** The 1-, 5- and 15-minute load averages (the machine is shared: say so beside each figure). */
export function loadAverage() {
  return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}
