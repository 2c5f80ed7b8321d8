export { LocalStore, type LocalStoreOptions } from "./local-store.ts";
export { copyFileRange } from "./libc.ffi.ts";
