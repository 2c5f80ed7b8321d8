import type { ArgsDef } from "citty";

/** Flags every verb accepts. */
export const commonArgs = {
  verbose: { type: "boolean", alias: "v", description: "One line per entry changed or deleted" },
  json: { type: "boolean", description: "Print one JSON object on stdout instead of the human summary" },
  progress: { type: "boolean", alias: "p", description: "Live progress line on stderr (NDJSON with --json); on by default on a terminal" },
  "max-threads": { type: "string", valueHint: "N", description: "Upper bound on worker threads (a cap, not a tuning knob)" },
  "force-grpc-data": { type: "boolean", description: "Carry file data over the gRPC control channel (also BLIT_FORCE_GRPC_DATA=1)" },
  "ludicrous-speed": { type: "boolean", description: "Deprecated; does nothing" },
} as const satisfies ArgsDef;

/** How files are compared (one mode at most). */
export const compareArgs = {
  checksum: { type: "boolean", alias: "c", description: "Skip files whose content hashes are equal, whatever their mtime" },
  "size-only": { type: "boolean", description: "Skip files whose sizes are equal" },
  "ignore-times": { type: "boolean", description: "Send every file, even when size and mtime are equal" },
} as const satisfies ArgsDef;

/** Which entries are in scope. */
export const filterArgs = {
  exclude: { type: "string", valueHint: "GLOB", description: "Leave out matching entries (repeatable; rules apply in command-line order)" },
  include: { type: "string", valueHint: "GLOB", description: "Keep matching entries (repeatable; the first matching rule decides)" },
  "exclude-from": { type: "string", valueHint: "FILE", description: "Exclude the patterns in FILE, one a line (rsync's format; - = stdin)" },
  "include-from": { type: "string", valueHint: "FILE", description: "Include the patterns in FILE, one a line (rsync's format; - = stdin)" },
  "files-from": { type: "string", valueHint: "FILE", description: "Transfer only the paths listed in FILE, one per line (- = stdin)" },
  "min-size": { type: "string", valueHint: "SIZE", description: "Skip files smaller than SIZE (e.g. 10K, 1.5M, 2G)" },
  "max-size": { type: "string", valueHint: "SIZE", description: "Skip files larger than SIZE" },
} as const satisfies ArgsDef;

/** The two endpoints of copy, mirror, move and check. */
export const endpointArgs = {
  source: { type: "positional", required: false, description: "Where to read (local path or host:/module/path)" },
  destination: { type: "positional", required: false, description: "Where to write" },
} as const satisfies ArgsDef;

/** Flags of copy, mirror and move. */
export const transferArgs = {
  ...endpointArgs,
  "dry-run": { type: "boolean", alias: "n", description: "List every change it would make (the -v lines); change nothing" },
  yes: { type: "boolean", alias: "y", description: "Do not ask before deleting or moving" },
  ...compareArgs,
  "ignore-existing": { type: "boolean", description: "Never touch a destination file that already exists" },
  ...filterArgs,
  "delete-excluded": { type: "boolean", description: "Mirror: also delete destination entries the --exclude/--include rules leave out" },
  "max-delete": { type: "string", valueHint: "N", description: "Mirror: make no deletion at all when more than N entries would go (directory contents count)" },
  resume: { type: "boolean", description: "Continue a partial destination file from its first differing block" },
  timeout: { type: "string", valueHint: "SECS", description: "End the run (exit 7) when nothing moves for SECS seconds (default 10; 0 = never)" },
  "itemize-changes": { type: "boolean", alias: "i", description: "One rsync change string per entry changed (>f.st...... path) instead of the -v lines" },
  bwlimit: { type: "string", valueHint: "RATE", description: "Cap the bytes per second the run moves (10M, 500K; a bare number is KiB, as rsync; 0 = no limit)" },
  "log-file": { type: "string", valueHint: "FILE", description: "Append one line per change, each warning and failure, and the summary to FILE" },
  quiet: { type: "boolean", alias: "q", description: "Print nothing but warnings and errors (no summary, no progress)" },
  retry: { type: "string", valueHint: "N", description: "Re-run up to N times after a transient (network) failure" },
  wait: { type: "string", valueHint: "SECS", description: "Seconds to wait before each re-run (default 1)" },
  ...commonArgs,
} as const satisfies ArgsDef;

/** Flags of check. */
export const checkArgs = {
  ...endpointArgs,
  checksum: compareArgs.checksum,
  "size-only": compareArgs["size-only"],
  ...filterArgs,
  ...commonArgs,
} as const satisfies ArgsDef;

/** Flags of list. */
export const listArgs = {
  daemon: { type: "positional", required: false, description: "The daemon: HOST or HOST:PORT" },
  json: commonArgs.json,
} as const satisfies ArgsDef;

/** Flags of trust (with --pin, taken with the other trust flags). */
export const trustArgs = {
  daemon: { type: "positional", required: false, description: "The daemon: HOST or HOST:PORT" },
  yes: { type: "boolean", alias: "y", description: "Record the certificate without asking" },
} as const satisfies ArgsDef;

/** Flags of scan. */
export const scanArgs = {
  wait: { type: "string", valueHint: "SECS", description: "Listen this long for answers (default 2)" },
  peers: { type: "string", valueHint: "HOST[:PORT],...", description: "Also ask these daemons directly (no multicast needed)" },
  mdns: { type: "boolean", default: true, description: "Browse mDNS (the default)", negativeDescription: "Do not browse mDNS (only --peers)" },
  json: commonArgs.json,
} as const satisfies ArgsDef;

/** Flags of diagnostics. */
export const diagnosticsArgs = {
  topic: { type: "positional", required: false, description: "What to show: perf" },
  limit: { type: "string", valueHint: "N", description: "Show the newest N runs (default 20)" },
  clear: { type: "boolean", description: "Delete the recorded runs and what the predictor learned from them" },
  json: commonArgs.json,
} as const satisfies ArgsDef;

/** Shown under "Advanced" in help. */
export const ADVANCED_FLAGS: ReadonlySet<string> = new Set(["max-threads", "force-grpc-data", "bwlimit"]);

/** Accepted but never shown in help. */
export const HIDDEN_FLAGS: ReadonlySet<string> = new Set(["ludicrous-speed"]);
