import { readFile } from "node:fs/promises";
import { BlitError } from "../../domain/errors.ts";
import type { FilterOptions } from "../../domain/filter.ts";
import { expandRuleFiles, type RuleSource } from "../../domain/filter-file.ts";
import { decodeNameBytes } from "../../domain/rel-path.ts";

/**
 * The filter a run uses: `filter` as parsed, with the --files-from list read from `filesFromPath`
 * and, when rule files were given, the rules expanded from `rulesFrom` (SPEC §3 "Filters").
 * An unreadable file is USAGE naming its flag.
 */
export async function readFilterFiles(filter: FilterOptions, filesFromPath: string | null, rulesFrom: readonly RuleSource[] | null): Promise<FilterOptions> {
  const filesFrom = filesFromPath === null ? null : await readFilesFrom(filesFromPath);
  if (rulesFrom === null) return { ...filter, filesFrom };
  const texts = new Map<string, string>();
  for (const r of rulesFrom) {
    if ("file" in r && !texts.has(r.file)) texts.set(r.file, new TextDecoder().decode(await readList(r.file, `--${r.type}-from`)));
  }
  return { ...filter, filesFrom, rules: expandRuleFiles(rulesFrom, (file) => texts.get(file) ?? "") };
}

/** The lines of a --files-from file (`-` = stdin), names kept as bytes. An unreadable file is USAGE. */
async function readFilesFrom(path: string): Promise<string[]> {
  const bytes = await readList(path, "--files-from");
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      lines.push(decodeNameBytes(bytes.subarray(start, i)));
      start = i + 1;
    }
  }
  return lines;
}

// --- internal ---

async function readList(path: string, flag: string): Promise<Uint8Array> {
  try {
    return path === "-" ? new Uint8Array(await Bun.stdin.arrayBuffer()) : await readFile(path);
  } catch (e) {
    const reason = (e as { code?: string }).code === "ENOENT" ? "no such file" : e instanceof Error ? e.message : String(e);
    throw new BlitError("USAGE", `cannot read ${flag} file '${path}': ${reason}`, { flag, value: path });
  }
}
