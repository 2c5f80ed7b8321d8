import { BlitError, isBlitError } from "../../domain/errors.ts";
import { encodeHello, FrameDecoder } from "../../domain/wire/frame.ts";
import type { DataDoor, DataTransports } from "../../ports/data-transports.ts";
import type { DataPlane } from "../../ports/remote-store.ts";
import type { DataNegotiation } from "../../ports/session.ts";
import type { Channel, Transport } from "../../ports/transport.ts";

/** How long the client tries the TCP data port before falling back to gRPC data. */
export const DATA_CONNECT_TIMEOUT_MS = 3_000;

/**
 * Opens the negotiated data connections: RDMA when the daemon offers it and this side has it,
 * else TCP to the data port, unless gRPC was forced (either side), falling back to gRPC data (Data
 * calls on the control port) when the first TCP connection does not get through within
 * DATA_CONNECT_TIMEOUT_MS. RDMA connections are all set up before any of them presents the token,
 * so an RDMA failure costs no token and the session goes on over TCP (the reason kept for the
 * summary). Each connection presents the token — over TLS its proof bound to that connection's TLS
 * session (Channel.sessionBinding) — and waits for GO before any record is sent. Each door's
 * transport is the one of `transports` registered for it; a door without one is not dialled.
 */
export async function openDataPlane(
  neg: DataNegotiation,
  host: string,
  controlPort: number,
  transports: DataTransports,
  forceGrpc: boolean,
  signal: AbortSignal,
): Promise<DataPlane> {
  const grpc = async (reason: string, count: number): Promise<DataPlane> => {
    const fallback = doorOf(transports, "control-port");
    if (fallback === null) throw new BlitError("TRANSPORT_UNAVAILABLE", `no data transport for the control port: ${reason}`);
    const channels = await allOrNone(Array.from({ length: count }, () => handshake(fallback, { host, port: controlPort }, neg.token, signal, 30_000)));
    return { channels, transport: "grpc", fallbackReason: reason };
  };
  if (forceGrpc) return grpc("gRPC data forced by --force-grpc-data / BLIT_FORCE_GRPC_DATA=1", neg.streams);
  if (neg.grpcData || neg.dataPort === 0) return grpc(neg.fallbackReason || "the daemon offers gRPC data only", neg.streams);
  const rdma = await openRdma(neg, host, doorOf(transports, "rdma-port"), signal);
  if (rdma !== null && "channels" in rdma) return rdma;
  const rdmaReason = rdma?.reason ?? null;
  const address = { host, port: neg.dataPort };
  const tcp = doorOf(transports, "data-port");
  if (tcp === null) return grpc(`no data transport for the data port${rdmaReason === null ? "" : `; ${rdmaReason}`}`, neg.streams);
  let first: Channel;
  try {
    first = await handshake(tcp, address, neg.token, signal, DATA_CONNECT_TIMEOUT_MS);
  } catch (e) {
    if (signal.aborted) throw e;
    const why = isBlitError(e) ? e.message : String(e);
    return grpc(`data port ${host.includes(":") ? `[${host}]` : host}:${neg.dataPort} unreachable (${why})`, neg.streams);
  }
  // The first connection proved the port; the others open at once.
  const rest = allOrNone(Array.from({ length: neg.streams - 1 }, () => handshake(tcp, address, neg.token, signal, DATA_CONNECT_TIMEOUT_MS * 3)));
  try {
    return { channels: [first, ...(await rest)], transport: "tcp", fallbackReason: rdmaReason };
  } catch (e) {
    await first[Symbol.asyncDispose]();
    throw e;
  }
}

// --- internal ---

/** The transport of `transports` that goes through `door`, or null when none does. */
function doorOf(transports: DataTransports, door: DataDoor): Transport | null {
  for (const t of transports.values()) if (t.door === door) return t.transport;
  return null;
}

/** RDMA connections for every stream, or why not (null when RDMA was not on offer). */
async function openRdma(neg: DataNegotiation, host: string, rdma: Transport | null, signal: AbortSignal): Promise<DataPlane | { reason: string } | null> {
  const port = neg.rdmaPort ?? 0;
  if (rdma === null || port === 0) return null;
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  let channels: Channel[];
  try {
    channels = await allOrNone(Array.from({ length: neg.streams }, () => within(rdma.dial({ host, port }, signal), DATA_CONNECT_TIMEOUT_MS, where)));
  } catch (e) {
    if (signal.aborted) throw e;
    return { reason: `RDMA to ${where} failed (${isBlitError(e) ? e.message : String(e)}); the data went over TCP` };
  }
  try {
    await Promise.all(channels.map((c) => greet(c, neg.token, signal)));
  } catch (e) {
    for (const c of channels) await c[Symbol.asyncDispose]();
    throw e;
  }
  return { channels, transport: "rdma", fallbackReason: null };
}

/** `attempt`, or TIMEOUT after `ms` (a channel that opens later is closed). */
async function within(attempt: Promise<Channel>, ms: number, where: string): Promise<Channel> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BlitError("TIMEOUT", `no answer from ${where} within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([attempt, timeout]);
  } catch (e) {
    attempt.then((c) => c[Symbol.asyncDispose](), () => {});
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

async function greet(channel: Channel, token: Uint8Array, signal: AbortSignal): Promise<void> {
  await channel.send(encodeHello(token), signal);
  await waitForGo(channel);
}

/** Every connection, or none: when one attempt fails the others are closed and its error thrown. */
async function allOrNone(attempts: Promise<Channel>[]): Promise<Channel[]> {
  const settled = await Promise.allSettled(attempts);
  const opened = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failed = settled.find((r) => r.status === "rejected");
  if (failed === undefined) return opened;
  for (const c of opened) await c[Symbol.asyncDispose]();
  throw failed.reason;
}

async function handshake(t: Transport, address: { host: string; port: number }, token: Uint8Array, signal: AbortSignal, timeoutMs: number): Promise<Channel> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let channel: Channel | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BlitError("TIMEOUT", `no answer from ${address.host}:${address.port} within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  const attempt = (async () => {
    channel = await t.dial(address, signal);
    const c: Channel = channel;
    await c.send(encodeHello(c.sessionBinding?.(token) ?? token), signal);
    await waitForGo(channel);
    return channel;
  })();
  try {
    return await Promise.race([attempt, timeout]);
  } catch (e) {
    attempt.then((c) => c[Symbol.asyncDispose](), () => {});
    if (channel !== null) await (channel as Channel)[Symbol.asyncDispose]();
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

async function waitForGo(channel: Channel): Promise<void> {
  const decoder = new FrameDecoder();
  for await (const chunk of channel.incoming) {
    const [r] = decoder.push(chunk);
    if (r === undefined) continue;
    if (r.type === "go" && decoder.idle) return;
    throw new BlitError("PROTOCOL_MISMATCH", "the data port did not answer GO");
  }
  throw new BlitError("AUTH_FAILED", "the data port closed the connection (token refused)");
}
