import { DAEMON_SCAN_FLAGS } from "../../admin/admin-flags.ts";
import type { FlagDefs } from "../../toolkit/flag-parser.ts";

/** Flags every verb accepts. */
export const COMMON_FLAGS = {
  verbose: { type: "boolean", short: "v", description: "One line per entry changed or deleted" },
  json: { type: "boolean", description: "Print one JSON object on stdout instead of the human summary" },
  progress: { type: "boolean", short: "p", description: "Live progress line on stderr (NDJSON with --json); on by default on a terminal" },
  "max-threads": { type: "string", valueHint: "N", description: "Upper bound on worker threads (a cap, not a tuning knob)" },
  "force-grpc-data": { type: "boolean", description: "Carry file data over the gRPC control channel (also BLIT_FORCE_GRPC_DATA=1)" },
  "ludicrous-speed": { type: "boolean", description: "Deprecated; does nothing" },
} as const satisfies FlagDefs;

/** How files are compared (one mode at most). */
export const COMPARE_FLAGS = {
  checksum: { type: "boolean", short: "c", description: "Skip files whose content hashes are equal, whatever their mtime" },
  "size-only": { type: "boolean", description: "Skip files whose sizes are equal" },
  "ignore-times": { type: "boolean", description: "Send every file, even when size and mtime are equal" },
} as const satisfies FlagDefs;

/** Which entries are in scope. */
export const FILTER_FLAGS = {
  exclude: { type: "string", valueHint: "GLOB", description: "Leave out matching entries (repeatable; rules apply in command-line order)" },
  include: { type: "string", valueHint: "GLOB", description: "Keep matching entries (repeatable; the first matching rule decides)" },
  "exclude-from": { type: "string", valueHint: "FILE", description: "Exclude the patterns in FILE, one a line (rsync's format; - = stdin)" },
  "include-from": { type: "string", valueHint: "FILE", description: "Include the patterns in FILE, one a line (rsync's format; - = stdin)" },
  "files-from": { type: "string", valueHint: "FILE", description: "Transfer only the paths listed in FILE, one per line (- = stdin)" },
  "min-size": { type: "string", valueHint: "SIZE", description: "Skip files smaller than SIZE (e.g. 10K, 1.5M, 2G)" },
  "max-size": { type: "string", valueHint: "SIZE", description: "Skip files larger than SIZE" },
} as const satisfies FlagDefs;

/** Flags of copy, mirror and move. */
export const TRANSFER_FLAGS = {
  "dry-run": { type: "boolean", short: "n", description: "List every change it would make (the -v lines); change nothing" },
  yes: { type: "boolean", short: "y", description: "Do not ask before deleting or moving" },
  ...COMPARE_FLAGS,
  "ignore-existing": { type: "boolean", description: "Never touch a destination file that already exists" },
  ...FILTER_FLAGS,
  "delete-excluded": { type: "boolean", description: "Mirror: also delete destination entries the --exclude/--include rules leave out" },
  "max-delete": { type: "string", valueHint: "N", description: "Mirror: make no deletion at all when more than N entries would go (directory contents count)" },
  resume: { type: "boolean", description: "Continue a partial destination file from its first differing block" },
  "link-dest": { type: "string", valueHint: "DIR", description: "Hard-link files unchanged from their copy in DIR instead of copying (repeatable; relative to DST)" },
  "backup-dir": { type: "string", valueHint: "DIR", description: "Move destination files about to be replaced or deleted into DIR (relative to DST)" },
  timeout: { type: "string", valueHint: "SECS", description: "End the run (exit 7) when nothing moves for SECS seconds (default 10; 0 = never)" },
  "itemize-changes": { type: "boolean", short: "i", description: "One rsync change string per entry changed (>f.st...... path) instead of the -v lines" },
  bwlimit: { type: "string", valueHint: "RATE", description: "Cap the bytes per second the run moves (10M, 500K; a bare number is KiB, as rsync; 0 = no limit)" },
  "log-file": { type: "string", valueHint: "FILE", description: "Append one line per change, each warning and failure, and the summary to FILE" },
  quiet: { type: "boolean", short: "q", description: "Print nothing but warnings and errors (no summary, no progress)" },
  retry: { type: "string", valueHint: "N", description: "Re-run up to N times after a transient (network) failure" },
  wait: { type: "string", valueHint: "SECS", description: "Seconds to wait before each re-run (default 1)" },
  ...COMMON_FLAGS,
} as const satisfies FlagDefs;

/** Flags of check. */
export const CHECK_FLAGS = {
  checksum: COMPARE_FLAGS.checksum,
  "size-only": COMPARE_FLAGS["size-only"],
  ...FILTER_FLAGS,
  ...COMMON_FLAGS,
} as const satisfies FlagDefs;

/** Flags of list. */
export const LIST_FLAGS = { json: COMMON_FLAGS.json } as const satisfies FlagDefs;

/** Flags of trust (with --pin, taken with the other trust flags). */
export const TRUST_VERB_FLAGS = {
  yes: { type: "boolean", short: "y", description: "Record the certificate without asking" },
} as const satisfies FlagDefs;

/** Flags of scan. */
export const SCAN_FLAGS = {
  ...DAEMON_SCAN_FLAGS,
  json: COMMON_FLAGS.json,
} as const satisfies FlagDefs;

/** Flags of diagnostics. */
export const DIAGNOSTICS_FLAGS = {
  limit: { type: "string", valueHint: "N", description: "Show the newest N runs (default 20)" },
  clear: { type: "boolean", description: "Delete the recorded runs and what the predictor learned from them" },
  json: COMMON_FLAGS.json,
} as const satisfies FlagDefs;

/** Example values, for "needs a value" and "invalid value" messages. */
export const FLAG_EXAMPLES: Readonly<Record<string, string>> = {
  exclude: "'*.tmp'", include: "'*.txt'", "files-from": "list.txt", "exclude-from": "rules.txt", "include-from": "rules.txt", "min-size": "10K", "max-size": "1G",
  "max-delete": "100", "max-threads": "4", retry: "3", wait: "2.5", timeout: "30", "log-file": "blit.log", "link-dest": "../yesterday", "backup-dir": "../backup", bwlimit: "10M", limit: "10", peers: "backup:9031",
};

/** Shown under "Advanced" in help. */
export const ADVANCED_FLAGS: ReadonlySet<string> = new Set(["max-threads", "force-grpc-data", "bwlimit"]);

/** Accepted but never shown in help. */
export const HIDDEN_FLAGS: ReadonlySet<string> = new Set(["ludicrous-speed"]);
