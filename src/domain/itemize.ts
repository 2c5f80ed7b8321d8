import { sameMtime } from "./compare.ts";
import type { EntryMeta } from "./entry.ts";
import { sameAttributesOfKind } from "./fidelity.ts";

/**
 * rsync's `-i` view of one changed entry (its `%i %n%L`, SPEC §3 "-i"): the 11-letter change
 * string `YXcstpoguax` — Y `>` a file transferred (shown `<` when the destination is remote, as
 * rsync's sender shows it), `c` a directory or symlink created or changed, `.` attributes only;
 * X `f`, `d` or `L`; then `c` checksum (`-c`) or symlink target, `s` size, `t` mtime, `p` mode,
 * `o` owner, `g` group (owner and group only where blit sets them: as root), `+` in every place
 * for a new entry; `u` (access times blit does not transfer) stays `.`; `a` ACLs and `x` extended
 * attributes changed (where both sides read them) — or
 * `*deleting  ` for a mirror's deletion.
 */
export interface ItemChange {
  readonly itemize: string;
  /** A directory: its name is shown with a trailing `/`. */
  readonly dir: boolean;
  /** A symlink's target (names-as-bytes text), shown as ` -> target`. */
  readonly linkTarget?: string;
  /** Only an -i line (an existing directory whose mode or mtime is set): no -v line. */
  readonly onlyItemized?: boolean;
}

/** What decides which attributes count as changed (a subset of PlanOptions). */
export interface ItemizeOptions {
  readonly owners: boolean;
  readonly mtimeGranularityNs: bigint;
  /** `-c`: every file transferred over an existing one shows `c` (rsync's ITEM_REPORT_CHANGE). */
  readonly checksum: boolean;
}

/** A file or symlink written over `prior` (null: there was none, or one of another kind). */
export function itemizeWrite(meta: EntryMeta, prior: EntryMeta | null, options: ItemizeOptions): ItemChange {
  const fresh = prior === null || prior.kind !== meta.kind;
  if (meta.kind === "symlink") return { itemize: fresh ? "cL+++++++++" : "cLc........", dir: false, linkTarget: meta.linkTarget ?? "" };
  return { itemize: fresh ? ">f+++++++++" : letters(">f", meta, prior, options, options.checksum), dir: false };
}

/** A directory created (`prior` null) or whose mode or mtime is set (then only an -i line). */
export function itemizeDir(meta: EntryMeta, prior: EntryMeta | null, options: ItemizeOptions): ItemChange {
  if (prior === null || prior.kind !== "dir") return { itemize: "cd+++++++++", dir: true };
  return { itemize: letters(".d", meta, prior, options, false), dir: true, onlyItemized: true };
}

/** A kept file whose mode, mtime or owner are set (no data copied). */
export function itemizeAttributes(meta: EntryMeta, prior: EntryMeta | null, options: ItemizeOptions): ItemChange {
  return { itemize: prior === null ? ".f?????????" : letters(".f", meta, prior, options, false), dir: false };
}

/** A mirror's deletion. */
export const itemizeDeletion = (dir: boolean): ItemChange => ({ itemize: DELETING, dir });

/** The `-i` line: `>f.st...... name`, `cd+++++++++ dir/`, `cL+++++++++ link -> target`; `<` for `>` when `sends`. */
export function itemizeLine(change: ItemChange, name: string, sends: boolean): string {
  return `${shown(change, sends)} ${name}${change.dir ? "/" : ""}${change.linkTarget === undefined ? "" : ` -> ${change.linkTarget}`}`;
}

/** The change string as shown: a transfer's `>` is `<` when the destination is remote. */
export const shown = (change: ItemChange, sends: boolean): string => (sends && change.itemize[0] === ">" ? `<${change.itemize.slice(1)}` : change.itemize);

// --- internal ---

const DELETING = "*deleting  ";

function letters(head: string, meta: EntryMeta, prior: EntryMeta, options: ItemizeOptions, checksum: boolean): string {
  const file = meta.kind === "file";
  const out = [
    checksum && file ? "c" : ".",
    file && meta.size !== prior.size ? "s" : ".",
    sameMtime(meta.mtimeNs, prior.mtimeNs, options.mtimeGranularityNs) ? "." : "t",
    (meta.mode & 0o7777) === (prior.mode & 0o7777) ? "." : "p",
    options.owners && meta.uid !== prior.uid ? "o" : ".",
    options.owners && meta.gid !== prior.gid ? "g" : ".",
    ".",
    attrsDiffer(meta, prior, "acls") ? "a" : ".",
    attrsDiffer(meta, prior, "xattrs") ? "x" : ".",
  ].join("");
  // rsync: an entry not transferred whose attributes are all unchanged shows spaces.
  return head[0] !== ">" && out === "........." ? `${head}         ` : head + out;
}

/** True when both sides read attributes and those of `kind` (ACLs, or the other attributes) differ. */
const attrsDiffer = (meta: EntryMeta, prior: EntryMeta, kind: "xattrs" | "acls"): boolean =>
  meta.xattrs !== undefined && prior.xattrs !== undefined && !sameAttributesOfKind(meta.xattrs, prior.xattrs, kind);
