import { BlitError, isBlitError } from "../../domain/errors.ts";
import { resolveModulePath, type ModuleAccess } from "../../domain/module-path.ts";
import type { PeerPath } from "../../domain/peer-path.ts";
import type { Caller, ModuleInfo, RemoteTarget } from "../../ports/control.ts";
import type { Store } from "../../ports/store.ts";
import type { DaemonAudit } from "./daemon-audit.ts";
import { ModuleAccessCheck } from "./module-access.ts";

/** One directory the daemon serves: a named module, or the default export (`name` null). */
export interface Export {
  readonly name: string | null;
  readonly comment: string;
  readonly readOnly: boolean;
  /** Absolute server-side path: used for statfs and to scrub messages, never sent to a client. */
  readonly root: string;
  readonly store: Store;
}

/** A client path after the module lookup, containment and read-only checks. */
export interface ResolvedTarget {
  readonly module: Export;
  /** Checked by domain/peer-path.ts: normalized, beneath the module root. */
  readonly path: PeerPath;
  /** The credential that admitted the caller, or null for a module no credential names. */
  readonly credential: string | null;
}

/** A caller with no credentials and no address (calls made inside the daemon, tests). */
export const NO_CALLER: Caller = { address: "", token: null, certFingerprint: null };

/**
 * The exports of a daemon, and the one place every RPC turns a client's module and path into a
 * store path: unknown module → NOT_FOUND, credentials → module-access.ts (AUTH_FAILED, READ_ONLY
 * for an `ro` credential), containment and read-only refusal → domain/module-path.ts
 * (PATH_ESCAPE, READ_ONLY). Every refusal is an audit line at warn. Errors leaving through
 * `guard` never hold a server-side absolute path.
 */
export class ModuleExports implements AsyncDisposable {
  private readonly byName: ReadonlyMap<string, Export>;
  private readonly access: ModuleAccessCheck;

  constructor(
    modules: readonly Export[],
    readonly defaultExport: Export | null,
    access?: ModuleAccessCheck,
    private readonly audit: DaemonAudit | null = null,
  ) {
    this.byName = new Map(modules.map((m) => [m.name ?? "", m]));
    this.access = access ?? new ModuleAccessCheck([], audit);
  }

  /** The modules as clients see them, sorted by name. */
  infos(): ModuleInfo[] {
    return [...this.byName.values()]
      .map((m) => ({ name: m.name ?? "", comment: m.comment, readOnly: m.readOnly, authRequired: this.access.requiresAuth(m.name) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Module names, sorted. */
  names(): string[] {
    return this.infos().map((m) => m.name);
  }

  /**
   * Checks `target` for `access` by `caller` (doing `verb`: push, ls, rm, …) and returns the module,
   * the normalized path inside it and the credential that admitted the caller.
   */
  async resolve(target: RemoteTarget, access: ModuleAccess, caller: Caller = NO_CALLER, verb = "call"): Promise<ResolvedTarget> {
    const module = this.lookup(target.module);
    const label = labelOf(module);
    const { credential } = await this.access.admit({ name: module.name, label, readOnly: module.readOnly }, caller, access, verb);
    try {
      return { module, path: resolveModulePath(target.path, { label, readOnly: module.readOnly }, access), credential };
    } catch (e) {
      if (isBlitError(e)) {
        const refusal = e.code === "READ_ONLY" ? "read-only" : "escape";
        this.audit?.refused({ client: caller.address, credential, module: module.name, verb, refusal, reason: e.message });
      }
      throw e;
    }
  }

  /** Runs `body` against a module; its errors come out with the module's root path hidden. */
  async guard<T>(module: Export, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (e) {
      throw scrub(e, module);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const all = [...this.byName.values(), ...(this.defaultExport === null ? [] : [this.defaultExport])];
    await Promise.all(all.map((m) => m.store[Symbol.asyncDispose]()));
  }

  // --- internal ---

  private lookup(name: string | null): Export {
    if (name === null) {
      if (this.defaultExport !== null) return this.defaultExport;
      throw new BlitError("NOT_FOUND", `this daemon has no default export (host://): use a module, one of ${this.listed()}`, { module: "" });
    }
    const found = this.byName.get(name);
    if (found !== undefined) return found;
    throw new BlitError("NOT_FOUND", `no module '${name}' on this daemon: its modules are ${this.listed()} (see blit list HOST)`, { module: name });
  }

  private listed(): string {
    const names = this.names();
    return names.length === 0 ? "(none)" : names.join(", ");
  }
}

/** How messages name an export: `module 'backup'` or `the default export`. */
export const labelOf = (m: Export): string => (m.name === null ? "the default export" : `module '${m.name}'`);

/**
 * `e` as a BlitError whose message and details show `name:/sub/path` where the server would have
 * said `/srv/root/sub/path`. Anything that is not a BlitError is a bug and passes through (the
 * server answers it with a fixed message).
 */
export function scrub(e: unknown, module: Export): unknown {
  if (!isBlitError(e)) return e;
  const hide = (text: string): string => hideRoot(text, module);
  const details = Object.fromEntries(Object.entries(e.details).map(([k, v]) => [k, typeof v === "string" ? hide(v) : v]));
  return new BlitError(e.code, hide(e.message), details);
}

/**
 * `text` with the module's server-side root shown as `name:` (`(default export):`), and the
 * store's name for its root ("the module root") saying which module's it is.
 */
export function hideRoot(text: string, module: Export): string {
  const shown = module.name === null ? "(default export):" : `${module.name}:`;
  const named = text.replaceAll(MODULE_ROOT, module.name === null ? "the root of the default export" : `${MODULE_ROOT} of '${module.name}'`);
  return module.root === "/" ? named : named.replaceAll(module.root, shown);
}

/** How a contained store names its root in messages (adapters/local/beneath.ts ROOT_NAME). */
const MODULE_ROOT = "the module root";
