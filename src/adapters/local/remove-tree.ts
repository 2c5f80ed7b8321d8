/** Recursive removal that never follows a symlink (mirror deletions, stale staged directories). */
import * as fs from "node:fs";

const { O_RDONLY, O_NOFOLLOW, O_DIRECTORY } = fs.constants;

/**
 * Removes `os` and, when it is a directory, everything inside. Each directory is opened with
 * O_NOFOLLOW and its entries are removed through `/proc/self/fd/N/name`, so a directory swapped
 * for a symlink mid-way makes the open fail instead of deleting what the link points to.
 */
export function removeTreeNoFollow(os: string | Buffer): void {
  const st = fs.lstatSync(os, { throwIfNoEntry: false });
  if (st === undefined) return;
  if (!st.isDirectory()) return fs.unlinkSync(os);
  const fd = fs.openSync(os, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  try {
    removeEntriesOf(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.rmdirSync(os);
}

/** Removes everything inside the open directory `fd` (the directory itself stays). */
export function removeEntriesOf(fd: number): void {
  const base = Buffer.from(`/proc/self/fd/${fd}/`);
  for (const name of fs.readdirSync(base, { encoding: "buffer" })) removeTreeNoFollow(Buffer.concat([base, name]));
}
