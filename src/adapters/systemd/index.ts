/** The systemd adapter: readiness and stopping notifications to the service manager (sd_notify). */
export { sendNotify } from "./sd-notify.ffi.ts";
