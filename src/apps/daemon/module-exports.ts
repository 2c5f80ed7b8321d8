import { BlitError, isBlitError } from "../../domain/errors.ts";
import { resolveModulePath, type ModuleAccess } from "../../domain/module-path.ts";
import type { PeerPath } from "../../domain/peer-path.ts";
import type { ModuleInfo, RemoteTarget } from "../../ports/control.ts";
import type { Store } from "../../ports/store.ts";

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
}

/**
 * The exports of a daemon, and the one place every RPC turns a client's module and path into a
 * store path: unknown module → NOT_FOUND, containment and read-only refusal → domain/module-path.ts
 * (PATH_ESCAPE, READ_ONLY). Errors leaving through `guard` never hold a server-side absolute path.
 */
export class ModuleExports implements AsyncDisposable {
  private readonly byName: ReadonlyMap<string, Export>;

  constructor(
    modules: readonly Export[],
    readonly defaultExport: Export | null,
  ) {
    this.byName = new Map(modules.map((m) => [m.name ?? "", m]));
  }

  /** The modules as clients see them, sorted by name. */
  infos(): ModuleInfo[] {
    return [...this.byName.values()]
      .map((m) => ({ name: m.name ?? "", comment: m.comment, readOnly: m.readOnly }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Module names, sorted. */
  names(): string[] {
    return this.infos().map((m) => m.name);
  }

  /** Checks `target` for `access` and returns the module and normalized path inside it. */
  resolve(target: RemoteTarget, access: ModuleAccess): ResolvedTarget {
    const module = this.lookup(target.module);
    return { module, path: resolveModulePath(target.path, { label: labelOf(module), readOnly: module.readOnly }, access) };
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
