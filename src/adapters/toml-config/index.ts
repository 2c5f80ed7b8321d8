export { loadDaemonConfig, parseDaemonConfig } from "./daemon-config-file.ts";
