/**
 * Which process holds a pid on this machine, and since when: the identity check behind process
 * leases (server/store/leases.ts).
 *
 * On Linux the start of a process is read from the kernel: field 22 of /proc/<pid>/stat
 * (`starttime`, clock ticks since boot) plus the boot time, taken as `Date.now()` minus
 * /proc/uptime. /proc/uptime runs on the same boot clock as `starttime` (suspend included) and
 * has 10 ms resolution, where /proc/stat `btime` is truncated to whole seconds; a /proc/<pid>
 * directory's ctime is not used because it is when the inode was first looked up, not when the
 * process started. Ticks per second come from `getconf CLK_TCK`, once (100 when that fails:
 * USER_HZ is 100 on every mainstream architecture). Elsewhere (no /proc) only liveness is known.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** What this machine says about one pid. `startedAtMs` is absent when the start cannot be read. */
export type ProcessState = { alive: false } | { alive: true; startedAtMs?: number };

/** True when a process with this id exists on this machine (signal 0 only checks). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

let ticksPerSecond: number | undefined;
/** USER_HZ, the unit of /proc/<pid>/stat times (asked once). */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    let value = NaN;
    try {
      value = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8", timeout: 2_000, stdio: ["ignore", "pipe", "ignore"] }).trim());
    } catch {
      // no getconf (a minimal image): the Linux default below
    }
    ticksPerSecond = Number.isInteger(value) && value > 0 ? value : 100;
  }
  return ticksPerSecond;
}

/** When this machine booted (ms since the epoch, on the current wall clock), or undefined without /proc. */
function bootTimeMs(): number | undefined {
  try {
    const uptime = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
    return Number.isFinite(uptime) ? Date.now() - uptime * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** `state` and `starttime` (fields 3 and 22) of a /proc/<pid>/stat line; the command name may hold spaces and parentheses. */
function parseStat(text: string): { state: string; startTicks: number } | undefined {
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const startTicks = Number(fields[19]);
  return fields[0] && Number.isFinite(startTicks) ? { state: fields[0], startTicks } : undefined;
}

/** Liveness and start time of `pid` from /proc; undefined when /proc cannot tell (absent, hidden, unreadable). */
function fromProc(pid: number): ProcessState | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined; // no such entry: dead, or hidden by `hidepid` (the caller asks kill(0))
  }
  const stat = parseStat(text);
  if (!stat) return undefined;
  // A zombie has exited; only its parent has not reaped it yet.
  if (stat.state === "Z" || stat.state === "X") return { alive: false };
  const boot = bootTimeMs();
  if (boot === undefined) return { alive: true };
  return { alive: true, startedAtMs: Math.round(boot + (stat.startTicks * 1000) / clockTicksPerSecond()) };
}

/** When this very process started (ms since the epoch): from /proc where there is one, else from process.uptime(). */
export function ownStartMs(): number {
  const own = fromProc(process.pid);
  if (own?.alive && own.startedAtMs !== undefined) return own.startedAtMs;
  return Math.round(Date.now() - process.uptime() * 1000);
}

/**
 * Whether `pid` is a live process on this machine and, where the system says so, when it
 * started (ms since the epoch). Without /proc (macOS, Windows, a hidden pid) only liveness is
 * known, except for this process's own pid.
 */
export function inspectProcess(pid: number): ProcessState {
  if (!Number.isInteger(pid) || pid <= 0) return { alive: false };
  if (pid === process.pid) return { alive: true, startedAtMs: ownStartMs() };
  const proc = fromProc(pid);
  if (proc) return proc;
  return processAlive(pid) ? { alive: true } : { alive: false };
}
