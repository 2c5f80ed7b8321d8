export { PerfHistoryFile, DEFAULT_MAX_BYTES, type PerfHistoryFileOptions } from "./perf-history-file.ts";
