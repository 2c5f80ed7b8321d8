/**
 * A TCP proxy that changes file bytes on the way, for the verified-transfer tests (SPEC §3).
 * - `startFlipProxy({ host, ports, target, marker, mode })`: listens on `host` at each of `ports`
 *   (the daemon's own port numbers, on another loopback address, so a client that dials `host`
 *   reaches the daemon's control port and the data port it announces through the proxy) and
 *   forwards to `target` at the same port. In both directions, wherever a chunk holds `marker`
 *   (the content of the files under test), one byte of that occurrence is flipped: only the first
 *   one seen at all (`mode: "once"`) or the first one of every chunk that holds one ("always").
 *   `flips` counts the bytes changed; `mode: "never"` changes nothing (a recording proxy).
 *   `recorded()` is every byte that crossed it, both directions, as seen on the wire (before any
 *   flip); `await using` closes it and every connection.
 */
import * as net from "node:net";
import { Transform } from "node:stream";

export interface FlipProxy extends AsyncDisposable {
  readonly flips: number;
  recorded(): Buffer;
}

export async function startFlipProxy(opts: { host: string; ports: readonly number[]; target: string; marker: Uint8Array; mode: "once" | "always" | "never" }): Promise<FlipProxy> {
  const marker = Buffer.from(opts.marker);
  const state = { flips: 0 };
  const seen: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const flipper = () =>
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        seen.push(Buffer.from(chunk));
        if (opts.mode === "always" || (opts.mode === "once" && state.flips === 0)) {
          const at = chunk.indexOf(marker);
          if (at >= 0) {
            chunk[at + (marker.length >> 1)]! ^= 0x20;
            state.flips++;
          }
        }
        done(null, chunk);
      },
    });
  const servers = await Promise.all(
    opts.ports.map(
      (port) =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer((client) => {
            const upstream = net.connect({ host: opts.target, port });
            for (const s of [client, upstream]) {
              sockets.add(s);
              s.on("close", () => sockets.delete(s));
              s.on("error", () => {
                client.destroy();
                upstream.destroy();
              });
            }
            client.pipe(flipper()).pipe(upstream);
            upstream.pipe(flipper()).pipe(client);
          });
          server.once("error", reject);
          server.listen({ host: opts.host, port }, () => resolve(server));
        }),
    ),
  );
  return {
    get flips() {
      return state.flips;
    },
    recorded: () => Buffer.concat(seen),
    async [Symbol.asyncDispose]() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

/** File content made of `marker` repeated, `bytes` long. */
export function markedContent(marker: Uint8Array, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  for (let at = 0; at < bytes; at += marker.length) out.set(marker.subarray(0, Math.min(marker.length, bytes - at)), at);
  return out;
}

