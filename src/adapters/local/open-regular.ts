/** Opening a file for reading that never blocks: a FIFO, socket or device is refused, not waited on. */
import * as fs from "node:fs";
import { openExisting } from "./in-parent.ts";

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;

/** An open regular file and its size when opened (and its fstat, when asked for). */
export interface OpenedRegular {
  readonly fd: number;
  readonly size: number;
  readonly stats?: fs.BigIntStats;
}

/**
 * Opens `os` for reading without following a final symlink and with O_NONBLOCK (so a FIFO
 * without a writer cannot stall the thread), then checks with fstat what was opened. Anything but
 * a regular file is closed again and refused with an Error whose code is ENOTREG (to-blit-error.ts
 * names it); open errors pass through as node:fs threw them. `withStats`: the one fstat is kept
 * (nanosecond times), for a caller that checks later whether the file changed.
 */
export function openRegular(os: string | Buffer, withStats: true): OpenedRegular & { readonly stats: fs.BigIntStats };
export function openRegular(os: string | Buffer, withStats?: false): OpenedRegular;
export function openRegular(os: string | Buffer, withStats = false): OpenedRegular {
  const fd = openExisting(os, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  let st: fs.Stats | fs.BigIntStats;
  try {
    st = withStats ? fs.fstatSync(fd, { bigint: true }) : fs.fstatSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  if (st.isFile()) return withStats ? { fd, size: Number(st.size), stats: st as fs.BigIntStats } : { fd, size: Number(st.size) };
  fs.closeSync(fd);
  throw Object.assign(new Error(`not a regular file (${kindOf(st)})`), { code: "ENOTREG" });
}

function kindOf(st: fs.Stats | fs.BigIntStats): string {
  if (st.isFIFO()) return "a FIFO";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isDirectory()) return "a directory";
  return "not a regular file";
}
