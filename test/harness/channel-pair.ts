/**
 * Two connected channels of a real transport, and what tests read from them.
 * - `channelPair(transport, host)`: `a` dialled, `b` accepted; disposing closes both, then the
 *   listener (stopping it closes what it accepted, so it goes last).
 * - `readAll(channel)`: every byte of `incoming` until the peer ends.
 * - `codeOf(promise)`: "none" when it resolves, else the error's code (or its text).
 */
import type { Channel, Transport } from "../../src/ports/transport.ts";

export interface ChannelPair extends AsyncDisposable {
  readonly a: Channel;
  readonly b: Channel;
}

export async function channelPair(transport: Transport, host: string): Promise<ChannelPair> {
  const l = await transport.listen({ host, port: 0 });
  const [a, b] = await Promise.all([transport.dial({ host, port: l.address.port }), l.accept()]);
  const close = async () => {
    await a[Symbol.asyncDispose]();
    await b[Symbol.asyncDispose]();
    await l[Symbol.asyncDispose]();
  };
  return { a, b, [Symbol.asyncDispose]: close };
}

export async function readAll(c: Channel): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of c.incoming) parts.push(chunk);
  return Buffer.concat(parts);
}

export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "none";
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}
