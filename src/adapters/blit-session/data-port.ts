import { clientAddress, DAEMON_LIMITS } from "../../domain/daemon-limits.ts";
import { BlitError, isBlitError } from "../../domain/errors.ts";
import { FairShares } from "../../domain/fair-shares.ts";
import { DATA_PROTOCOL_VERSION, encodeGo, FrameDecoder } from "../../domain/wire/frame.ts";
import { TOKEN_BYTES, tokensEqual } from "../../domain/wire/token.ts";
import type { Channel, Listener } from "../../ports/transport.ts";

/** A token not used within this time expires (SPEC §6: ≤ 30 s). */
export const TOKEN_TTL_MS = 30_000;

interface Expected {
  readonly token: Uint8Array;
  remaining: number;
  readonly channels: Channel[];
  readonly resolve: (c: Channel[]) => void;
  readonly reject: (e: BlitError) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** A session's claim on the data port. */
export interface DataClaim {
  readonly token: Uint8Array;
  /** The session's connections once all `count` presented the token. */
  readonly channels: Promise<Channel[]>;
  /** Withdraws the token (the session ended first). */
  cancel(): void;
}

/**
 * The daemon's data port: accepts connections on every listener (TCP, the gRPC fallback), reads
 * the HELLO record, and hands the connection to the session whose token it presents. Tokens are
 * random (`randomBytes`, a CSPRNG), bound to one session and its connection count, single use per
 * connection, expire unused after TOKEN_TTL_MS, and are compared in constant time. Over TLS a
 * connection presents the token's proof bound to its own TLS session (Channel.sessionBinding),
 * so a token seen, or a proof replayed, on another connection matches nothing. A connection
 * with a bad, replayed or late token, or garbage, is closed; no session is disturbed by it. A
 * connection must present its token within DAEMON_LIMITS.dataHelloTimeoutMs, and one client
 * address may have at most DAEMON_LIMITS.maxPendingDataConnectionsPerAddress connections that have
 * not yet: more are closed at once (and `onRefused` is told).
 */
export class DataPort {
  private readonly expected = new Set<Expected>();
  private readonly loops: Promise<void>[];
  private closed = false;
  private readonly pending = new FairShares({ address: DAEMON_LIMITS.maxPendingDataConnectionsPerAddress });
  rejected = 0;

  constructor(
    private readonly listeners: readonly Listener[],
    private readonly randomBytes: (n: number) => Uint8Array,
    private readonly onRefused: (message: string) => void = () => {},
    /** Why a client address may not open data connections at all (the hosts rules), or null. */
    private readonly admitAddress: (address: string) => string | null = () => null,
  ) {
    this.loops = listeners.map((l) => this.acceptLoop(l));
  }

  /** Registers a session that will open `count` connections. */
  expect(count: number): DataClaim {
    const token = this.randomBytes(TOKEN_BYTES);
    let entry!: Expected;
    const channels = new Promise<Channel[]>((resolve, reject) => {
      const timer = setTimeout(() => this.drop(entry, new BlitError("TIMEOUT", `no data connection presented the session token within ${TOKEN_TTL_MS / 1000} s`)), TOKEN_TTL_MS);
      entry = { token, remaining: count, channels: [], resolve, reject, timer };
    });
    channels.catch(() => {});
    this.expected.add(entry);
    return { token, channels, cancel: () => this.drop(entry, new BlitError("CANCELLED", "session ended")) };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.closed = true;
    for (const e of [...this.expected]) this.drop(e, new BlitError("CANCELLED", "the daemon is stopping"));
    await Promise.allSettled(this.loops);
  }

  // --- internal ---

  private async acceptLoop(listener: Listener): Promise<void> {
    while (!this.closed) {
      let channel: Channel;
      try {
        channel = await listener.accept();
      } catch {
        return;
      }
      void this.admit(channel);
    }
  }

  private async admit(channel: Channel): Promise<void> {
    // A channel that does not know its peer (gRPC data: its call is counted by the control server) is not counted here.
    const keys = { address: channel.remoteAddress === undefined ? "" : clientAddress(channel.remoteAddress) };
    const counted = keys.address !== "";
    const denied = counted ? this.admitAddress(keys.address) : null;
    if (denied !== null) {
      this.rejected++;
      this.onRefused(`data connection from ${keys.address} refused: ${denied}`);
      await channel[Symbol.asyncDispose]();
      return;
    }
    if (counted && this.pending.take(keys) !== null) {
      this.rejected++;
      this.onRefused(`data connection from ${keys.address} closed: ${this.pending.limit("address")} connections from this address have not presented a token yet`);
      await channel[Symbol.asyncDispose]();
      return;
    }
    const timer = setTimeout(() => void channel[Symbol.asyncDispose](), DAEMON_LIMITS.dataHelloTimeoutMs);
    try {
      const token = await readHello(channel);
      const entry = [...this.expected].find((e) => tokensEqual(channel.sessionBinding?.(e.token) ?? e.token, token));
      if (entry === undefined || entry.remaining <= 0) throw new BlitError("AUTH_FAILED", "unknown, used or expired data token");
      entry.remaining--;
      entry.channels.push(channel);
      if (entry.remaining === 0) {
        this.expected.delete(entry);
        clearTimeout(entry.timer);
        entry.resolve(entry.channels);
      }
      await channel.send(encodeGo());
    } catch (e) {
      this.rejected++;
      await channel[Symbol.asyncDispose]();
      if (!isBlitError(e)) throw e;
    } finally {
      clearTimeout(timer);
      if (counted) this.pending.give(keys);
    }
  }

  private drop(entry: Expected, e: BlitError): void {
    if (!this.expected.delete(entry)) return;
    clearTimeout(entry.timer);
    entry.reject(e);
    for (const c of entry.channels) void c[Symbol.asyncDispose]();
  }
}

/** Reads the HELLO record: the first bytes a connection sends (nothing may follow before GO). */
async function readHello(channel: Channel): Promise<Uint8Array> {
  const decoder = new FrameDecoder();
  for await (const chunk of channel.incoming) {
    const records = decoder.push(chunk);
    if (records.length === 0) continue;
    const [first] = records;
    if (records.length > 1 || !decoder.idle || first?.type !== "hello") throw new BlitError("AUTH_FAILED", "a data connection must start with HELLO alone");
    if (first.version !== DATA_PROTOCOL_VERSION) throw new BlitError("PROTOCOL_MISMATCH", `data protocol ${first.version}, expected ${DATA_PROTOCOL_VERSION}`);
    return first.token;
  }
  throw new BlitError("PEER_CLOSED", "connection closed before HELLO");
}
