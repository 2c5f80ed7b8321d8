import { BlitError } from "./errors.ts";

/**
 * Parses a `--min-size`/`--max-size` value into bytes, as rsync does: a number (fractions allowed)
 * with an optional unit, case-insensitive. `K`, `M`, `G`, `T`, `P` and their `KiB` forms are powers
 * of 1024; `KB`, `MB`, … are powers of 1000; a bare `B` means bytes. The result is rounded down to
 * whole bytes: `10K` = 10240, `1.5M` = 1572864, `10KB` = 10000.
 *
 * Throws BlitError USAGE, naming `flag` and the value with an example, for anything else (negative
 * numbers, unknown units, results beyond 2^53).
 */
export function parseSize(text: string, flag = "--max-size"): number {
  const m = SIZE_PATTERN.exec(text.trim());
  const unit = (m?.[2] ?? "").toLowerCase();
  const suffix = (m?.[3] ?? "").toLowerCase();
  const power = UNIT_POWER[unit] ?? 0;
  if (m === null || (unit === "" && suffix === "ib")) throw invalid(text, flag);
  const base = suffix === "b" && unit !== "" ? 1000 : 1024;
  const bytes = Math.floor(Number(m[1]) * base ** power);
  if (!Number.isSafeInteger(bytes)) throw invalid(text, flag);
  return bytes;
}

// --- internal ---

const SIZE_PATTERN = /^(\d+(?:\.\d*)?|\.\d+)\s*([kmgtp]?)(ib|b)?$/i;

const UNIT_POWER: Readonly<Record<string, number>> = { k: 1, m: 2, g: 3, t: 4, p: 5 };

function invalid(text: string, flag: string): BlitError {
  return new BlitError(
    "USAGE",
    `invalid size '${text}' for ${flag}: expected a number with an optional unit, e.g. ${flag} 10M (K, M, G, T, P = 1024-based; KB, MB, … = 1000-based)`,
    { flag, value: text },
  );
}
