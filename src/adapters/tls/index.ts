export { certificateFingerprint, loadConfiguredIdentity, loadOrCreateStateIdentity, readStateIdentity, readText, type LoadedIdentity } from "./identity-files.ts";
export { probeTls } from "./tls-probe.ts";
