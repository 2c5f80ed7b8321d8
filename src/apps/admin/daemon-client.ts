import { parseEndpoint, type RemoteEndpoint } from "../../domain/endpoint.ts";
import { BlitError } from "../../domain/errors.ts";
import type { ControlPlane, RemoteTarget } from "../../ports/control.ts";

/** What the admin verbs of blit and blit-utils share to reach a daemon: the REMOTE operand and the connection. */

/** A REMOTE operand (`host[:port]:/module/path` or `host[:port]://path`); anything else is USAGE. */
export function parseRemote(verb: string, text: string | undefined): { endpoint: RemoteEndpoint; target: RemoteTarget } {
  if (text === undefined) throw new BlitError("USAGE", `${verb} needs a REMOTE path, e.g. blit-utils ${verb} host:/module/dir`, { verb });
  const endpoint = parseEndpoint(text);
  if (endpoint.kind !== "remote") {
    throw new BlitError("USAGE", `'${text}' is not a path on a daemon: write host:/module/path or host://path, e.g. blit-utils ${verb} backup:/data/`, { input: text });
  }
  return { endpoint, target: { module: endpoint.module, path: endpoint.path } };
}

/** Runs `body` with a client of the daemon at `host:port` (trusted as the process's trust flags say), closed afterwards. */
export async function withDaemon<T>(host: string, port: number, body: (daemon: ControlPlane, fingerprint: string | null) => Promise<T>): Promise<T> {
  const [{ connectDaemon }, { clientTrust }] = await Promise.all([import("../compose.ts"), import("../trust/process-trust.ts")]);
  const tls = await clientTrust()({ host, port });
  await using daemon = await connectDaemon(host, port, tls);
  return await body(daemon, tls?.fingerprint ?? null);
}
