import { BlitError } from "./errors.ts";
import { checkPath, type PeerPath, type Unchecked } from "./peer-path.ts";
import { displayName } from "./rel-path.ts";

/** What an operation does with a module path. `write` covers every change: push, delete, rm. */
export type ModuleAccess = "read" | "write";

/** The facts about a module that decide whether a client may use a path in it. */
export interface ModuleGate {
  /** How messages name the module: `module 'backup'` or `the default export`. */
  readonly label: string;
  readonly readOnly: boolean;
}

/**
 * Containment and read-only refusal for a path a client sent (SPEC §5): the one rule every RPC
 * applies before touching a module. Containment is domain/peer-path.ts's checkPath (PATH_ESCAPE
 * naming the path and the module); a `write` to a read-only module is BlitError READ_ONLY.
 * Returns the normalized path ("" for the module root, however it was spelled).
 */
export function resolveModulePath(raw: string | Unchecked, gate: ModuleGate, access: ModuleAccess): PeerPath {
  const path = checkPath(raw, gate.label);
  if (access === "write" && gate.readOnly) {
    const what = path === "" ? "" : ` (here to '${displayName(path)}')`;
    throw new BlitError("READ_ONLY", `${gate.label} is read-only: it refuses every change${what}`, { path });
  }
  return path;
}
