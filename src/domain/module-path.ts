import { BlitError } from "./errors.ts";
import { displayName, type RelPath } from "./rel-path.ts";

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
 * applies before touching a module.
 *
 * The path is relative to the module. Empty segments and `.` collapse, and `..` steps back one
 * segment, but a `..` that would leave the module is refused, as are a leading `/` (absolute),
 * NUL bytes and backslashes: each is BlitError PATH_ESCAPE naming the path and the module.
 * Nothing is decoded: `%2e%2e` is a name of six characters. A `write` to a read-only module is
 * BlitError READ_ONLY. Returns the normalized RelPath ("" for the module root).
 */
export function resolveModulePath(raw: string, gate: ModuleGate, access: ModuleAccess): RelPath {
  if (raw.includes("\0")) throw escape(raw, gate, "contains a NUL byte");
  if (raw.includes("\\")) throw escape(raw, gate, "contains a backslash (names are separated by '/')");
  if (raw.startsWith("/")) throw escape(raw, gate, "is absolute");
  const kept: string[] = [];
  for (const segment of raw.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment !== "..") kept.push(segment);
    else if (kept.pop() === undefined) throw escape(raw, gate, "leaves the module through '..'");
  }
  if (access === "write" && gate.readOnly) {
    const what = kept.length === 0 ? "" : ` (here to '${displayName(kept.join("/"))}')`;
    throw new BlitError("READ_ONLY", `${gate.label} is read-only: it refuses every change${what}`, {
      path: raw,
    });
  }
  return kept.join("/");
}

// --- internal ---

function escape(raw: string, gate: ModuleGate, why: string): BlitError {
  return new BlitError(
    "PATH_ESCAPE",
    `path '${displayName(raw)}' ${why}: paths stay inside ${gate.label}, relative to it, e.g. dir/file`,
    { path: raw },
  );
}
