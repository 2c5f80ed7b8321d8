import { BlitError, isBlitError } from "../../domain/errors.ts";
import { AcceptQueue } from "../../domain/wire/accept-queue.ts";
import type { Channel, Listener, Transport } from "../../ports/transport.ts";
import type { BandLink, BandListener, RdmaBand } from "./rdma-band.ts";
import { RdmaChannel, type ChannelTuning } from "./rdma-channel.ts";
import type { RdmaDevice } from "./rdma-device.ts";
import { RdmaEndpoint, type RingShape } from "./rdma-endpoint.ts";
import { decodeParams, encodeParams } from "./rdma-params.ts";
import type { Verbs } from "./verbs.ts";

export interface RdmaTuning extends RingShape, ChannelTuning {}

/** 32 slots of 256 KiB: 8 MiB registered per direction, in the range bulk RDMA tools use. */
export const DEFAULT_TUNING: RdmaTuning = { slots: 32, slotBytes: 256 << 10, completionTimeoutMs: 30_000 };
/** The band exchange must finish within this time, or the connection attempt fails. */
const HANDSHAKE_TIMEOUT_MS = 5_000;
const READY = Uint8Array.of(0x52);
/**
 * Handshakes a listener runs at once; more connection attempts are closed unanswered. Each one
 * registers memory before the peer has presented any token, so their number is bounded.
 */
const MAX_HANDSHAKES = 16;

/**
 * The RDMA data plane: one RC queue pair per connection on `device`, its parameters exchanged
 * over `band` (the address given to listen/dial is the band's). The dialer sends its parameters,
 * the listener answers with its own once its QP is ready to receive, the dialer moves to RTS and
 * says READY. A failed attempt tears down what it built and is UNREACHABLE/TRANSPORT_UNAVAILABLE
 * for the dialer; a listener drops it and keeps accepting.
 */
export class RdmaTransport implements Transport {
  readonly name = "rdma";
  readonly capabilities = { zeroCopy: false };

  constructor(
    private readonly verbs: Verbs,
    readonly device: RdmaDevice,
    private readonly band: RdmaBand,
    private readonly tuning: RdmaTuning = DEFAULT_TUNING,
  ) {}

  async listen(address: { host: string; port: number }): Promise<Listener> {
    return new RdmaListener(await this.band.listen(address), (link) => this.answer(link));
  }

  async dial(address: { host: string; port: number }, signal?: AbortSignal): Promise<Channel> {
    const link = await this.band.connect(address, signal);
    let ep: RdmaEndpoint | null = null;
    try {
      ep = RdmaEndpoint.open(this.verbs, this.device, this.tuning);
      await link.send(encodeParams(ep.params));
      const peer = decodeParams(await link.receive(timeout(signal)), link.peer);
      ep.connect(peer);
      await link.send(READY);
      return new RdmaChannel(ep, peer, link, this.tuning);
    } catch (e) {
      ep?.destroy();
      await link[Symbol.asyncDispose]();
      throw isBlitError(e) ? e : new BlitError("TRANSPORT_UNAVAILABLE", `RDMA connection to ${link.peer} failed: ${String(e)}`);
    }
  }

  private async answer(link: BandLink): Promise<Channel> {
    let ep: RdmaEndpoint | null = null;
    try {
      const peer = decodeParams(await link.receive(timeout()), link.peer);
      ep = RdmaEndpoint.open(this.verbs, this.device, this.tuning);
      ep.connect(peer);
      await link.send(encodeParams(ep.params));
      const ready = await link.receive(timeout());
      if (ready.length !== 1 || ready[0] !== READY[0]) throw new BlitError("PROTOCOL_MISMATCH", `RDMA peer ${link.peer} did not confirm the connection`);
      return new RdmaChannel(ep, peer, link, this.tuning);
    } catch (e) {
      ep?.destroy();
      await link[Symbol.asyncDispose]();
      throw e;
    }
  }
}

function timeout(signal?: AbortSignal): AbortSignal {
  const t = AbortSignal.timeout(HANDSHAKE_TIMEOUT_MS);
  return signal === undefined ? t : AbortSignal.any([signal, t]);
}

/**
 * Accepts band links, completes their handshake concurrently (at most MAX_HANDSHAKES at a time),
 * and queues the connections that made it.
 */
class RdmaListener implements Listener {
  private readonly queue = new AcceptQueue<Channel>();
  private readonly loop: Promise<void>;
  private closed = false;
  private handshakes = 0;
  failedHandshakes = 0;

  constructor(
    private readonly band: BandListener,
    private readonly answer: (link: BandLink) => Promise<Channel>,
  ) {
    this.loop = this.run();
  }

  get address(): { host: string; port: number } {
    return this.band.address;
  }

  accept(signal?: AbortSignal): Promise<Channel> {
    return this.queue.accept(signal);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.closed = true;
    await this.band[Symbol.asyncDispose]();
    for (const c of this.queue.close()) await c[Symbol.asyncDispose]();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      let link: BandLink;
      try {
        link = await this.band.accept();
      } catch {
        return;
      }
      if (this.handshakes >= MAX_HANDSHAKES) {
        this.failedHandshakes++;
        void link[Symbol.asyncDispose]();
        continue;
      }
      this.handshakes++;
      this.answer(link).then(
        (c) => {
          this.handshakes--;
          if (!this.queue.offer(c)) void c[Symbol.asyncDispose]();
        },
        () => {
          this.handshakes--;
          this.failedHandshakes++;
        },
      );
    }
  }
}
