/**
 * Two connected TLS 1.3 data channels of the TCP transport (the daemon's and a pinning client's
 * side), for tests of what the channel does over TLS.
 * - `tlsChannelPair()`: like `channelPair` (channel-pair.ts), `a` dialled and `b` accepted, both
 *   `encrypted`; a fresh self-signed identity per call.
 */
import { TcpTransport } from "../../src/adapters/tcp/index.ts";
import { certificateFingerprint } from "../../src/adapters/tls/index.ts";
import { selfSignedIdentity } from "../../src/adapters/tls/self-signed.ts";
import { type ChannelPair, channelPair } from "./channel-pair.ts";

export async function tlsChannelPair(): Promise<ChannelPair> {
  const { certPem, keyPem } = selfSignedIdentity(new Date());
  const fingerprint = certificateFingerprint(certPem, "the test identity");
  const server = new TcpTransport({ server: { certPem, keyPem, fingerprint, clientCaPem: null } });
  const client = new TcpTransport({ client: { fingerprint, identity: null } });
  return channelPair({ name: "tcp", capabilities: client.capabilities, listen: (a) => server.listen(a), dial: (a, s) => client.dial(a, s) }, "127.0.0.1");
}
