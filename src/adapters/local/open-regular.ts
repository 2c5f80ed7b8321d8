/** Opening a file for reading that never blocks: a FIFO, socket or device is refused, not waited on. */
import * as fs from "node:fs";

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;

/** An open regular file and its size when opened. */
export interface OpenedRegular {
  readonly fd: number;
  readonly size: number;
}

/**
 * Opens `os` for reading without following a final symlink and with O_NONBLOCK (so a FIFO
 * without a writer cannot stall the thread), then checks with fstat what was opened. Anything but
 * a regular file is closed again and refused with an Error whose code is ENOTREG (to-blit-error.ts
 * names it); open errors pass through as node:fs threw them.
 */
export function openRegular(os: string | Buffer): OpenedRegular {
  const fd = fs.openSync(os, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  if (st.isFile()) return { fd, size: st.size };
  fs.closeSync(fd);
  throw Object.assign(new Error(`not a regular file (${kindOf(st)})`), { code: "ENOTREG" });
}

function kindOf(st: fs.Stats): string {
  if (st.isFIFO()) return "a FIFO";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isDirectory()) return "a directory";
  return "not a regular file";
}
