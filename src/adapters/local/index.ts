export { LocalStore, type LocalStoreOptions } from "./local-store.ts";
