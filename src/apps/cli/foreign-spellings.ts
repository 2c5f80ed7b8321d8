/**
 * Options people type from rsync and rclone habit that blit does not take, each with the blit way
 * (issue 15): an unknown option found here is answered with its hint instead of a bare "unknown
 * option". Keys are typed as on the command line: `--name` or `-x` (one letter of a group).
 * Only spellings with a real blit answer are listed; a foreign option blit cannot do stays a plain
 * unknown option.
 */
export function foreignSpellingHint(option: string): string | null {
  return Object.hasOwn(HINTS, option) ? HINTS[option]! : null;
}

// --- internal ---

const DEFAULT = "already the default: blit copies recursively and keeps symlinks, modes and mtimes (owners as root); drop it";
const MIRROR = "blit mirror deletes what the source lacks (rsync --delete, rclone sync): blit mirror SRC DST";
const RESUME = "--resume continues a partial destination file from its first differing block";
const NO_COMPRESS = "blit sends file data uncompressed and picks its speed itself; drop it";
const PARALLEL = "blit picks its parallelism itself; --max-threads N caps it";
const BACKUP = "--backup-dir DIR moves replaced and deleted destination files into DIR (same paths below it)";
const REMOTE = "blit talks to blit-daemon, not a remote shell: write host:/module/path";

const HINTS: Readonly<Record<string, string>> = {
  "-a": DEFAULT,
  "--archive": DEFAULT,
  "-r": DEFAULT,
  "--recursive": DEFAULT,
  "-t": DEFAULT,
  "--times": DEFAULT,
  "-l": DEFAULT,
  "--links": DEFAULT,
  "--perms": DEFAULT,
  "--delete": MIRROR,
  "--del": MIRROR,
  "--delete-after": MIRROR,
  "--delete-before": MIRROR,
  "--delete-during": MIRROR,
  "--delete-delay": MIRROR,
  "--partial": RESUME,
  "--partial-dir": RESUME,
  "--append": RESUME,
  "--append-verify": RESUME,
  "-P": "-p (--progress) shows a live progress line; --resume continues partial files",
  "--info": "-p (--progress) shows a live progress line, -v one line per change",
  "-z": NO_COMPRESS,
  "--compress": NO_COMPRESS,
  "-W": NO_COMPRESS,
  "--whole-file": NO_COMPRESS,
  "-I": "--ignore-times sends every file, even when size and mtime are equal",
  "--transfers": PARALLEL,
  "--checkers": PARALLEL,
  "--multi-thread-streams": PARALLEL,
  "--backup": BACKUP,
  "-b": BACKUP,
  "-e": REMOTE,
  "--rsh": REMOTE,
  "--max-delete-count": "--max-delete N makes no deletion at all when more than N would go",
  "--filter": "write the rules as --include GLOB / --exclude GLOB (in order), or --exclude-from FILE",
  "-f": "write the rules as --include GLOB / --exclude GLOB (in order), or --exclude-from FILE",
};
