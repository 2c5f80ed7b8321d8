import type { RemoteEndpoint } from "./endpoint.ts";

/** `host:port:/module/path` as messages show a remote place. */
export function remoteLabel(end: RemoteEndpoint, path: string): string {
  const host = end.host.includes(":") ? `[${end.host}]` : end.host;
  return `${host}:${end.port}:/${end.module ?? ""}${end.module === null ? "" : "/"}${path}`;
}
