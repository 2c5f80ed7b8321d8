import { closeSync, openSync, writeSync } from "node:fs";
import { BlitError } from "../../domain/errors.ts";
import { itemizeLine, type ItemChange } from "../../domain/itemize.ts";
import { displayName } from "../../domain/rel-path.ts";
import type { ItemAction } from "../../ports/reporter.ts";

/**
 * `--log-file FILE` (rsync's): the run appends one line per change (the -v line, whatever -v),
 * each warning, each failure and error, and the summary, each line prefixed as rsync's log is:
 * `YYYY/MM/DD HH:MM:SS [pid] ` in local time. Lines are buffered and written in appends of up to
 * 64 KiB, the rest when the run ends (`close`).
 */
export interface RunLog {
  item(action: ItemAction, path: string, change?: ItemChange): void;
  line(text: string): void;
  close(): void;
}

/**
 * Opens (creating, mode 0644 before the umask) `path` for appending; one that cannot be opened is
 * USAGE. With `itemize` (-i) the change lines are rsync's change strings, `<` first when `sends`.
 */
export function openRunLog(path: string, now: () => Date, pid: number, itemize: { readonly itemize: boolean; readonly sends: boolean }): RunLog {
  let fd: number;
  try {
    fd = openSync(path, "a", 0o644);
  } catch (e) {
    const reason = (e as { code?: string }).code === "ENOENT" ? "no such directory" : e instanceof Error ? e.message : String(e);
    throw new BlitError("USAGE", `cannot open --log-file '${path}': ${reason}`, { flag: "--log-file", value: path });
  }
  let pending = "";
  const flush = () => {
    if (pending === "") return;
    writeSync(fd, pending);
    pending = "";
  };
  const line = (text: string) => {
    pending += `${stamp(now())} [${pid}] ${text}\n`;
    if (pending.length >= FLUSH_AT) flush();
  };
  return {
    item(action, p, change) {
      if (!itemize.itemize) {
        if (change?.onlyItemized !== true) line(`${action} ${displayName(p)}`);
      }
      else if (change !== undefined) line(itemizeLine(change, displayName(p), itemize.sends));
    },
    line,
    close() {
      flush();
      closeSync(fd);
    },
  };
}

// --- internal ---

const FLUSH_AT = 64 * 1024;

const two = (n: number) => String(n).padStart(2, "0");

function stamp(d: Date): string {
  return `${d.getFullYear()}/${two(d.getMonth() + 1)}/${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
