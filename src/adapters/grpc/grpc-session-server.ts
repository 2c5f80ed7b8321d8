import type { ServerDuplexStream } from "@grpc/grpc-js";
import { DAEMON_LIMITS, peerAddress } from "../../domain/daemon-limits.ts";
import { BlitError } from "../../domain/errors.ts";
import type { Unchecked } from "../../domain/peer-path.ts";
import { callMessages } from "./call-messages.ts";
import type { ClientMessage, SessionRole, SessionService } from "../../ports/session.ts";
import type { CallContext } from "./server-calls.ts";
import { bidi } from "./server-calls.ts";
import { fromWireClient, fromWireHeader, toWireNegotiation, toWireServer } from "./session-mapping.ts";
import type { WireMessage } from "./wire-schema.ts";

/**
 * Push and Pull calls as sessions of a SessionService: reads the SessionHeader, answers the
 * negotiation (or the service's error as the call's status), then hands the rest of the stream
 * over as a SessionLink until either side ends it.
 */
export function sessionHandler(ctx: CallContext, role: SessionRole, service: SessionService) {
  const method = role === "push" ? "Push" : "Pull";
  return bidi(ctx, method, async (call: ServerDuplexStream<WireMessage, WireMessage>, signal, caller) => {
    // Few messages decoded ahead: a decoded request can take far more memory than its bytes on the wire.
    const messages = callMessages(call, DAEMON_LIMITS.sessionMessagesAhead);
    const first = await withTimeout(messages.next(), DAEMON_LIMITS.sessionHeaderTimeoutMs).catch((e: unknown) => {
      if (e instanceof BlitError && e.code === "TIMEOUT") ctx.onRefused(`${method} from ${peerAddress(call.getPeer())} ended: ${e.message}`);
      throw e;
    });
    if (first.done === true || !first.value.header) throw new BlitError("PROTOCOL_MISMATCH", `${method} must start with a SessionHeader`);
    const header = fromWireHeader(first.value.header, role);
    const negotiation = await service.negotiate(header, caller);
    call.write(toWireNegotiation(negotiation));
    const incoming = (async function* (): AsyncIterable<ClientMessage<Unchecked>> {
      for (;;) {
        const next = await messages.next();
        if (next.done === true) return;
        const m = fromWireClient(next.value);
        if (m !== null) yield m;
      }
    })();
    await service.serve({ header, peer: call.getPeer(), caller, incoming, signal, send: (m) => void call.write(toWireServer(m)) }, negotiation);
    call.end();
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BlitError("TIMEOUT", `no session header within ${ms / 1000} s`, { limit: "sessionHeaderTimeoutMs" })), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
