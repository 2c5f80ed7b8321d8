import { statfsSync } from "node:fs";
import { dirname } from "node:path";

const MAGIC: Readonly<Record<number, string>> = {
  0x01021994: "tmpfs",
  0x858458f6: "ramfs",
  0xef53: "ext4",
  0x9123683e: "btrfs",
  0x58465342: "xfs",
  0x2fc12fc1: "zfs",
  0xf2f52010: "f2fs",
  0x794c7630: "overlay",
  0x6969: "nfs",
  0xff534d42: "cifs",
  0xfe534d42: "smb2",
  0x65735546: "fuse",
  0x01021997: "9p",
  0x4d44: "vfat",
  0x2011bab0: "exfat",
  0x5346544e: "ntfs",
};

/** The filesystem type holding `path` (or its nearest existing parent): "tmpfs", "ext4", … or "fs-<hex>". */
export function fsTypeOf(path: string): string {
  let p = path;
  for (let i = 0; i < 4096; i++) {
    try {
      const type = statfsSync(p).type >>> 0;
      return MAGIC[type] ?? `fs-${type.toString(16)}`;
    } catch {
      const parent = dirname(p);
      if (parent === p) return "unknown";
      p = parent;
    }
  }
  return "unknown";
}
