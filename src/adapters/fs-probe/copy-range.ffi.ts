import { dlopen, FFIType } from "bun:ffi";

/** copy_file_range(2) between two descriptors, kernel offsets; returns bytes copied or -1. Loaded on first use. */
export function copyFileRange(fdIn: number, fdOut: number, length: number): number {
  const lib = dlopen("libc.so.6", {
    copy_file_range: { args: [FFIType.i32, FFIType.ptr, FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.u32], returns: FFIType.i64 },
  });
  try {
    return Number(lib.symbols.copy_file_range(fdIn, null, fdOut, null, length, 0));
  } finally {
    lib.close();
  }
}
