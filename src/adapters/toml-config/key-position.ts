/**
 * Finds where a key is written in a TOML document, so a validation error can name its line and
 * column. A light scan of table headers and `key =` lines: enough for the flat files blit reads
 * (no inline tables or dotted keys across tables are needed to place an error).
 */

/** 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Where `key` is set in table `table` ("" for the top level), in its `index`-th occurrence for an
 * array of tables (`[[module]]`). Without a key, or when the key is not written there, the
 * table's header; without either, line 1. A top-level `key` may also be a table's name: its header.
 */
export function findKeyPosition(text: string, table: string, index: number, key: string | null): Position {
  const lines = text.split("\n");
  let current = "";
  let seen = -1;
  let header: Position | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const head = HEADER.exec(line);
    if (head !== null) {
      current = unquote(head[2] ?? "");
      if (table === "" && current === key) return { line: i + 1, column: line.indexOf("[") + 1 };
      if (current === table) seen++;
      if (current === table && seen === index) header = { line: i + 1, column: line.indexOf("[") + 1 };
      continue;
    }
    if (current !== table || (seen !== index && table !== "")) continue;
    const assignment = KEY.exec(line);
    if (key !== null && assignment !== null && unquote(assignment[1] ?? "") === key) {
      return { line: i + 1, column: line.search(/\S/) + 1 };
    }
  }
  return header ?? { line: 1, column: 1 };
}

// --- internal ---

const HEADER = /^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/;
const KEY = /^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=/;

const unquote = (s: string): string => (/^["'].*["']$/.test(s) ? s.slice(1, -1) : s);
