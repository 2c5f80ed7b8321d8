import { statfs } from "node:fs/promises";
import { BlitError } from "../../domain/errors.ts";
import { compileGlob } from "../../domain/glob.ts";
import { baseName, compareNames, displayName } from "../../domain/rel-path.ts";
import type {
  Caller,
  CompletionQuery,
  ControlPlane,
  DaemonIdentity,
  FilesystemStats,
  FindQuery,
  FoundEntry,
  Listing,
  ModuleList,
  PurgeResult,
  RemoteTarget,
  UsageQuery,
  UsageRow,
} from "../../ports/control.ts";
import { outcomeOf, type DaemonAudit } from "./daemon-audit.ts";
import { labelOf, NO_CALLER, scrub, type ModuleExports, type ResolvedTarget } from "./module-exports.ts";
import { usageRows, walkTree } from "./tree-walk.ts";

/** What the daemon says about itself. */
export interface DaemonFacts {
  readonly version: string;
  readonly protocolVersion: number;
  readonly motd: string;
}

/** Most completion candidates returned for one question. */
const COMPLETION_LIMIT = 1000;

/** What one `find` may cost: entries visited and wall time. */
export interface FindBudget {
  readonly maxVisits: number;
  readonly maxMs: number;
}
export const DEFAULT_FIND_BUDGET: FindBudget = { maxVisits: 2_000_000, maxMs: 120_000 };
/** The longest find pattern accepted. */
export const FIND_MAX_PATTERN = 1024;
/** A walk gives other clients the event loop at least this often (ms). */
const WALK_SLICE_MS = 20;

/**
 * The daemon's ControlPlane for one caller: admin operations served from its module stores. Every
 * client path goes through ModuleExports.resolve first (credentials, containment, read-only), and
 * every error leaves with server-side paths hidden. Each call that names a module is one audit line.
 */
export class DaemonControl implements ControlPlane {
  constructor(
    private readonly exports: ModuleExports,
    private readonly facts: DaemonFacts,
    private readonly findBudget: FindBudget = DEFAULT_FIND_BUDGET,
    private readonly caller: Caller = NO_CALLER,
    private readonly audit: DaemonAudit | null = null,
  ) {}

  async ping(): Promise<DaemonIdentity> {
    return { version: this.facts.version, protocolVersion: this.facts.protocolVersion };
  }

  async listModules(): Promise<ModuleList> {
    const d = this.exports.defaultExport;
    return { version: this.facts.version, motd: this.facts.motd, modules: this.exports.infos(), defaultExport: d === null ? null : { readOnly: d.readOnly } };
  }

  async list(target: RemoteTarget, signal?: AbortSignal): Promise<Listing> {
    const at = await this.exports.resolve(target, "read", this.caller, "ls");
    return this.audited("ls", at, async () => {
      const meta = await existing(at);
      if (meta.kind !== "dir") return { isDir: false, entries: [{ name: baseName(at.path), meta }], failures: [] };
      const listing = await at.module.store.list(at.path, signal);
      return {
        isDir: true,
        entries: [...listing.entries].sort((a, b) => compareNames(a.name, b.name)),
        failures: listing.failures.map((f) => {
          const error = scrub(f.error, at.module) as BlitError;
          return { path: f.name, code: error.code, message: error.message };
        }),
      };
    });
  }

  async *find(query: FindQuery, signal: AbortSignal = new AbortController().signal): AsyncIterable<FoundEntry> {
    const at = await this.exports.resolve(query.target, "read", this.caller, "find");
    const started = performance.now();
    let outcome = "ok";
    let found = 0;
    try {
      const matches = matcher(query.pattern);
      const meta = await this.exports.guard(at.module, () => existing(at));
      if (meta.kind !== "dir") return;
      const walk = walkTree(at.module.store, at.path, signal);
      const budget = new WalkBudget(this.findBudget);
      for (;;) {
        await budget.spend();
        const next = await this.exports.guard(at.module, () => walk.next());
        if (next.done === true) return;
        const { rel, meta: m } = next.value;
        if (query.kind === "files" && m.kind === "dir") continue;
        if (query.kind === "dirs" && m.kind !== "dir") continue;
        if (!matches(rel)) continue;
        yield { path: rel, meta: m };
        if (query.limit > 0 && ++found >= query.limit) return;
      }
    } catch (e) {
      outcome = outcomeOf(e);
      throw e;
    } finally {
      this.logCall("find", at, outcome, started, found);
    }
  }

  async *diskUsage(query: UsageQuery, signal: AbortSignal = new AbortController().signal): AsyncIterable<UsageRow> {
    const at = await this.exports.resolve(query.target, "read", this.caller, "du");
    const started = performance.now();
    let outcome = "ok";
    try {
      const meta = await this.exports.guard(at.module, () => existing(at));
      if (meta.kind !== "dir") {
        yield { path: "", bytes: meta.kind === "file" ? meta.size : 0, files: 1, dirs: 0, depth: 0 };
        return;
      }
      const rows = usageRows(at.module.store, at.path, Math.max(0, query.maxDepth), signal);
      const slice = new WalkBudget({ maxVisits: Number.POSITIVE_INFINITY, maxMs: Number.POSITIVE_INFINITY });
      for (;;) {
        await slice.spend();
        const next = await this.exports.guard(at.module, () => rows.next());
        if (next.done === true) return;
        yield next.value;
      }
    } catch (e) {
      outcome = outcomeOf(e);
      throw e;
    } finally {
      this.logCall("du", at, outcome, started);
    }
  }

  async filesystemStats(target: RemoteTarget): Promise<FilesystemStats> {
    const at = await this.exports.resolve(target, "read", this.caller, "df");
    return this.audited("df", at, async () => {
      await existing(at);
      const s = await statfs(at.module.root);
      return {
        totalBytes: s.blocks * s.bsize,
        freeBytes: s.bfree * s.bsize,
        availableBytes: s.bavail * s.bsize,
        totalInodes: s.files,
        freeInodes: s.ffree,
        blockSize: s.bsize,
      };
    });
  }

  async purge(target: RemoteTarget, signal?: AbortSignal): Promise<PurgeResult> {
    const at = await this.exports.resolve(target, "write", this.caller, "rm");
    if (at.path === "") {
      throw new BlitError("PERMISSION_DENIED", `refusing to remove the root of ${labelOf(at.module)}: name a path inside it`, { path: "" });
    }
    return this.audited("rm", at, async () => {
      const meta = await existing(at);
      let entries = 1;
      let bytes = meta.kind === "file" ? meta.size : 0;
      if (meta.kind === "dir") {
        for await (const v of walkTree(at.module.store, at.path, signal ?? new AbortController().signal)) {
          entries++;
          bytes += v.meta.kind === "file" ? v.meta.size : 0;
        }
      }
      const [result] = await at.module.store.remove([at.path]);
      if (result?.error !== undefined) throw result.error;
      return { entriesRemoved: entries, bytesRemoved: bytes };
    });
  }

  async completePath(query: CompletionQuery, signal?: AbortSignal): Promise<string[]> {
    const limit = query.limit > 0 ? Math.min(query.limit, COMPLETION_LIMIT) : COMPLETION_LIMIT;
    if (query.completeModules) {
      const typed = query.module ?? "";
      return this.exports.names().filter((n) => n.startsWith(typed)).slice(0, limit).map((n) => `${n}/`);
    }
    const slash = query.prefix.lastIndexOf("/");
    const dir = slash < 0 ? "" : query.prefix.slice(0, slash + 1);
    const typed = query.prefix.slice(slash + 1);
    let at: ResolvedTarget;
    try {
      at = await this.exports.resolve({ module: query.module, path: dir }, "read", this.caller, "complete");
    } catch (e) {
      if (e instanceof BlitError && e.code === "NOT_FOUND") return [];
      throw e;
    }
    try {
      const listing = await at.module.store.list(at.path, signal);
      return listing.entries
        .filter((e) => e.name.startsWith(typed) && (!query.dirsOnly || e.meta.kind === "dir"))
        .sort((a, b) => compareNames(a.name, b.name))
        .slice(0, limit)
        .map((e) => `${dir}${e.name}${e.meta.kind === "dir" ? "/" : ""}`);
    } catch {
      return [];
    }
  }

  // --- internal ---

  /** Runs an admin call in a module (errors with server paths hidden), then writes its audit line. */
  private async audited<T>(verb: string, at: ResolvedTarget, body: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let outcome = "ok";
    try {
      return await this.exports.guard(at.module, body);
    } catch (e) {
      outcome = outcomeOf(e);
      throw e;
    } finally {
      this.logCall(verb, at, outcome, started);
    }
  }

  private logCall(verb: string, at: ResolvedTarget, outcome: string, started: number, files?: number): void {
    const duration = Math.round(performance.now() - started);
    this.audit?.call({ client: this.caller.address, credential: at.credential, module: at.module.name, verb, ...(files !== undefined && { files }), outcome, duration_ms: duration });
  }
}

// --- internal ---

/** The metadata at a resolved path; NOT_FOUND naming the client's view of it when missing. */
async function existing(at: ResolvedTarget) {
  const meta = await at.module.store.stat(at.path);
  if (meta !== null) return meta;
  const where = displayName(at.module.name === null ? `//${at.path}` : `/${at.module.name}/${at.path}`);
  throw new BlitError("NOT_FOUND", `no such file or directory: ${where} (in ${labelOf(at.module)})`, { path: at.path });
}

/**
 * Bounds one walk: it yields to the event loop every WALK_SLICE_MS (a walk over listings served
 * from memory would otherwise run in microtasks only), and stops with PARTIAL past its visits or
 * its time.
 */
class WalkBudget {
  private readonly start = performance.now();
  private slice = this.start;
  private visits = 0;

  constructor(private readonly budget: FindBudget) {}

  async spend(): Promise<void> {
    this.visits++;
    const now = performance.now();
    const { maxVisits, maxMs } = this.budget;
    if (this.visits > maxVisits || now - this.start > maxMs) {
      const seconds = Math.round((now - this.start) / 1000);
      throw new BlitError(
        "PARTIAL",
        `find stopped after visiting ${this.visits - 1} entries in ${seconds} s (the daemon's limit for one call is ${maxVisits} entries or ${maxMs / 1000} s): search a narrower path or use --limit`,
      );
    }
    if (now - this.slice < WALK_SLICE_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.slice = performance.now();
  }
}

/** A find pattern as a predicate on the relative path: base name, or the path with a '/'. */
function matcher(pattern: string): (rel: string) => boolean {
  if (pattern === "") return () => true;
  if (pattern.length > FIND_MAX_PATTERN) {
    throw new BlitError("USAGE", `the find pattern is ${pattern.length} characters long: the daemon accepts at most ${FIND_MAX_PATTERN}`, { pattern: pattern.slice(0, 64) });
  }
  if (pattern.includes("/")) {
    const match = compileGlob(pattern.replace(/^\/+/, ""), { matchTail: !pattern.startsWith("/") });
    return (rel) => match(rel);
  }
  const match = compileGlob(pattern);
  return (rel) => match(baseName(rel)) || match(rel);
}

