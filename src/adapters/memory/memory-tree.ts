import type { EntryMeta } from "../../domain/entry.ts";
import { BlitError } from "../../domain/errors.ts";
import { hasParentSegment } from "../../domain/peer-path.ts";
import { displayName } from "../../domain/rel-path.ts";

/** One entry of a MemoryTree: a directory holds `children`, a file `data`. */
export interface MemoryNode {
  meta: EntryMeta;
  data: Uint8Array;
  readonly children: Map<string, MemoryNode>;
}

const ROOT_META: EntryMeta = { kind: "dir", size: 0, mtimeNs: 0n, mode: 0o755, uid: 0, gid: 0 };

/**
 * A filesystem in memory that MemoryStores are rooted in (as LocalStores are in the disk): absolute
 * paths `/a/b`, the root `/` always a directory. Lookups never follow a symlink, not even in the
 * middle of a path.
 */
export class MemoryTree {
  readonly root: MemoryNode = node(ROOT_META);

  /** The node at absolute or relative `path` (components split on `/`); null when nothing is there. */
  find(path: string): MemoryNode | null {
    let at: MemoryNode = this.root;
    for (const name of components(path)) {
      if (at.meta.kind !== "dir") return null;
      const next = at.children.get(name);
      if (next === undefined) return null;
      at = next;
    }
    return at;
  }

  /**
   * Creates `path` (and its missing parents) as directories with mode 0755 and `mtimeNs`; throws
   * NOT_FOUND when something other than a directory is in the way. For test setup and `mkdir -p`.
   */
  mkdirs(path: string, mtimeNs = 0n): MemoryNode {
    let at: MemoryNode = this.root;
    for (const name of components(path)) {
      let next = at.children.get(name);
      if (next === undefined) {
        next = node({ ...ROOT_META, mtimeNs });
        at.children.set(name, next);
      }
      if (next.meta.kind !== "dir") throw new BlitError("NOT_FOUND", `cannot create directory ${displayName(path)}: a parent is not a directory`, { path });
      at = next;
    }
    return at;
  }

  /** Puts a file with `bytes` at `path` (parents created), for test setup. */
  putFile(path: string, bytes: Uint8Array | string, meta: Partial<EntryMeta> = {}): void {
    const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
    const { dir, name } = split(path);
    this.mkdirs(dir).children.set(name, node({ kind: "file", size: data.length, mtimeNs: 1_700_000_000_000_000_000n, mode: 0o644, uid: 0, gid: 0, ...meta }, data));
  }

  /** Puts a symlink to `target` at `path` (parents created), for test setup. */
  putSymlink(path: string, target: string): void {
    const { dir, name } = split(path);
    this.mkdirs(dir).children.set(name, node({ kind: "symlink", size: target.length, mtimeNs: 1_700_000_000_000_000_000n, mode: 0o777, uid: 0, gid: 0, linkTarget: target }));
  }

  /** The text of file `path`, or null when there is no file there. */
  text(path: string): string | null {
    const n = this.find(path);
    return n === null || n.meta.kind !== "file" ? null : new TextDecoder().decode(n.data);
  }
}

export function node(meta: EntryMeta, data: Uint8Array = new Uint8Array()): MemoryNode {
  return { meta, data, children: new Map() };
}

/** The names along `path`; a `..` is PATH_ESCAPE (no RelPath holds one). */
export function components(path: string): string[] {
  if (hasParentSegment(path)) throw new BlitError("PATH_ESCAPE", `${displayName(path)} steps out through '..': refused`, { path });
  return path.split("/").filter((s) => s !== "" && s !== ".");
}

function split(path: string): { dir: string; name: string } {
  const names = components(path);
  const name = names.pop();
  if (name === undefined) throw new BlitError("USAGE", "the root has no name");
  return { dir: names.join("/"), name };
}
