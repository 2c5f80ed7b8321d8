/**
 * The one table that says which phase of a transfer a profile sample belongs to (issue 14's
 * per-file budget). Offers: PHASES, Frame, Role, phaseOf(frames, role, thread) and attribute()
 * (the same, with the frame that decided) — pure — and addPhases() (sums weighted samples per phase).
 *
 * A sample is a stack of frames, leaf first: JS frames from Bun's `--cpu-prof` (function name and
 * the source file the bundle's source map names), kernel frames from `perf` (symbol, file
 * "[kernel]"), and anonymous user-space frames of worker threads (perf cannot name JIT code).
 * phaseOf tries the STRONG rules on every frame from the leaf outwards and takes the first match (so
 * `renameSync` called from a write path counts as rename, `tcp_sendmsg` under `vfs_write` as send);
 * if none matches, the WEAK rules the same way (code that serves whichever phase called it: the
 * data-plane codec, module loading); then the thread's fallback. A rule's phase may depend on the
 * side's role: the same worker pool or codec reads and sends on a sender, receives and writes on a
 * receiver.
 */

export const PHASES = ["walk", "compare", "send", "receive", "verify", "write", "metadata", "rename", "sync", "session", "startup", "runtime", "other"] as const;
export type Phase = (typeof PHASES)[number];

/** sender: the side reading the source (push client, pull daemon); receiver: the side writing; local: both, one process. */
export type Role = "sender" | "receiver" | "local";

export interface Frame {
  readonly fn: string;
  /** Source file (src/…, node_modules/…), a builtin's URL (node:fs), "[kernel]", or a shared object. */
  readonly file: string;
}

type ByRole = Phase | { readonly sender: Phase; readonly receiver: Phase; readonly local: Phase };

interface Rule {
  readonly phase: ByRole;
  /** Matches the frame's function name (whole name). */
  readonly fn?: RegExp;
  /** Matches the frame's file. */
  readonly file?: RegExp;
  /** Kernel frames only. */
  readonly kernel?: boolean;
}

const READ_OR_WRITE: ByRole = { sender: "send", receiver: "write", local: "write" };
const WIRE: ByRole = { sender: "send", receiver: "receive", local: "receive" };

const STRONG: readonly Rule[] = [
  // Syscalls, named by the kernel (perf) or by the JS/FFI function that makes them (--cpu-prof).
  { phase: "rename", kernel: true, fn: /do_renameat2|vfs_rename|__x64_sys_rename.*/ },
  { phase: "sync", kernel: true, fn: /do_fsync|sync_filesystem|__x64_sys_syncfs|__x64_sys_fsync|__x64_sys_fdatasync|ksys_sync/ },
  { phase: "metadata", kernel: true, fn: /notify_change|chmod_common|chown_common|do_utimes|vfs_utimes|__x64_sys_(f|l)?(chmod|chown|utimensat|fchmodat|fchownat)/ },
  { phase: "receive", kernel: true, fn: /tcp_recvmsg|sock_recvmsg|sock_read_iter|__sys_recvfrom|tcp_rcv_established/ },
  { phase: "send", kernel: true, fn: /tcp_sendmsg|sock_sendmsg|sock_write_iter|__sys_sendto|do_sendfile|do_splice/ },
  { phase: "write", kernel: true, fn: /vfs_copy_file_range|shmem_mknod|vfs_create|lookup_open|do_mkdirat|vfs_mkdir|generic_perform_write|shmem_write_begin|vfs_write|do_unlinkat/ },
  { phase: "send", kernel: true, fn: /filemap_read|shmem_file_read_iter|vfs_read/ },
  { phase: "walk", kernel: true, fn: /iterate_dir|vfs_statx|do_statx|vfs_fstatat|__x64_sys_(new)?(l)?stat|__x64_sys_getdents64/ },
  { phase: READ_OR_WRITE, kernel: true, fn: /do_sys_openat2|__x64_sys_close|filp_close/ },
  { phase: "rename", fn: /renameSync|rename|renameat2?/ },
  { phase: "sync", fn: /fsyncSync|fsync|fdatasyncSync|fdatasync|syncfs/ },
  { phase: "metadata", fn: /futimens|utimensat|(l|f)?utimesSync|(l|f)?chmodSync|(l|f)?chownSync/ },
  { phase: "walk", fn: /statx|lstatSync|statSync|readdirSync|opendirSync/ },
  { phase: "verify", fn: /xxHash3|xxHash64|xxHash32/ },
  // blit's sources, by file.
  { phase: "walk", file: /^src\/(apps\/daemon\/tree-walk|apps\/engine\/visit-all|adapters\/local\/fs-read|adapters\/local\/fs-pass|domain\/wire\/packed-meta|domain\/entry)\.ts$/ },
  { phase: "compare", file: /^src\/(domain\/(compare|plan|filter|glob|resume-prefix|deletion-gate)|apps\/engine\/(tree-sync|check|store-view|vanished))\.ts$/ },
  { phase: "verify", file: /^src\/(adapters\/blit-session\/file-digest|adapters\/tcp\/record-hash)\.ts$/ },
  { phase: "send", file: /^src\/(adapters\/blit-session\/(file-sender|send-files|send-lanes)|adapters\/local\/(fs-read-whole|open-file|open-regular))\.ts$/ },
  { phase: "receive", file: /^src\/adapters\/blit-session\/(file-demux|incoming-files|chunk-loans|unannounced-budget)\.ts$/ },
  { phase: "metadata", file: /^src\/adapters\/local\/fs-write\.ts$/ },
  { phase: "write", file: /^src\/(adapters\/local\/(bytes-write|local-store)|apps\/engine\/(resend-mismatched|cross-store-write)|domain\/(temp-name|received-entry))\.ts$/ },
  { phase: READ_OR_WRITE, file: /^src\/adapters\/local\/(worker-pool|fs-jobs|local-worker|shared-pools|copy-meter)\.ts$/ },
  { phase: "session", file: /^src\/(adapters\/blit-session\/(session-server|session-guard|request-table|peer-store|session-stores|data-dial|data-port)|apps\/engine\/(transfer-request|open-roots)|adapters\/grpc\/.*|domain\/(peer-path|module-path))\.ts$/ },
  { phase: "session", file: /^node_modules\/(@grpc|protobufjs|@protobufjs|consola)\// },
];

const WEAK: readonly Rule[] = [
  // A frame named after a builtin module ("node:http2" in node:http2) is that module's body: loading.
  { phase: "startup", fn: /(node|internal|bun):[\w/]+/, file: /^(node|internal|bun):/ },
  { phase: WIRE, file: /^src\/(adapters\/tcp\/.*|domain\/wire\/.*|adapters\/memory\/.*)\.ts$/ },
  { phase: WIRE, file: /^node:(net|tls|http2|stream)$|^internal:streams\// },
  { phase: "startup", fn: /\(module\)|dlopen|parseArgs|@lazy/ },
  { phase: "startup", file: /^(src\/apps\/(cli|multicall|daemon|utils|toolkit|admin)\/|node_modules\/(smol-toml|valibot)\/)/ },
  { phase: "compare", file: /^src\/apps\/engine\/transfer\.ts$/ },
];

/** The phase of one sample: strong rules leaf first, then weak rules, then the thread's fallback. */
export function phaseOf(frames: readonly Frame[], role: Role, thread: string): Phase {
  return attribute(frames, role, thread).phase;
}

/** phaseOf, and the frame whose rule decided it (null when the thread's fallback did). */
export function attribute(frames: readonly Frame[], role: Role, thread: string): { phase: Phase; by: Frame | null } {
  for (const rules of [STRONG, WEAK]) {
    for (const frame of frames) {
      for (const rule of rules) if (matches(rule, frame)) return { phase: resolve(rule.phase, role), by: frame };
    }
  }
  return { phase: threadFallback(thread, frames, role), by: null };
}

/** Adds each sample's weight to its phase. */
export function addPhases(into: Map<Phase, number>, samples: Iterable<{ frames: readonly Frame[]; us: number; thread: string }>, role: Role): Map<Phase, number> {
  for (const s of samples) {
    const p = phaseOf(s.frames, role, s.thread);
    into.set(p, (into.get(p) ?? 0) + s.us);
  }
  return into;
}

// --- internal ---

function matches(rule: Rule, frame: Frame): boolean {
  const isKernel = frame.file === "[kernel]";
  if (rule.kernel === true && !isKernel) return false;
  if (rule.kernel !== true && isKernel) return false;
  if (rule.fn !== undefined && !wholeMatch(rule.fn, frame.fn)) return false;
  if (rule.file !== undefined && !rule.file.test(frame.file)) return false;
  return rule.fn !== undefined || rule.file !== undefined;
}

function wholeMatch(re: RegExp, s: string): boolean {
  const m = re.exec(s);
  return m !== null && m.index === 0 && m[0].length === s.length;
}

function resolve(phase: ByRole, role: Role): Phase {
  return typeof phase === "string" ? phase : phase[role];
}

/**
 * Samples no rule names. A worker thread of blit (perf cannot name its JIT frames) runs the file
 * jobs: reading on a sender, writing on a receiver. JSC's compiler and collector threads are
 * runtime; so is the main thread's event loop (no JS frame at all).
 */
function threadFallback(thread: string, frames: readonly Frame[], role: Role): Phase {
  if (/^(Worker|Bun Pool)/.test(thread)) return resolve(READ_OR_WRITE, role);
  if (/JIT|Heap|GC|Collector|Marking|Helper|WarmUp/i.test(thread)) return "runtime";
  if (frames.every((f) => f.fn === "" || f.fn === "(root)" || f.fn === "(program)" || f.fn === "(garbage collector)")) return "runtime";
  return "other";
}
