// How a failed connection's gRPC status becomes a blit error when TLS refused it: a certificate
// the pinned handshake did not accept, and a daemon's mTLS alert (or a connection it closed right
// after a handshake that presented a client certificate), are AUTH_FAILED (exit 4, not retried);
// a plain connection failure stays UNREACHABLE.
import { expect, test } from "bun:test";
import { fromServiceError } from "../../../src/adapters/grpc/status.ts";

const unavailable = (details: string) => Object.assign(new Error(details), { code: 14, details });

test("a changed certificate is AUTH_FAILED naming both fingerprints", () => {
  const e = fromServiceError(unavailable("No connection established. Last error: BlitError: the daemon's certificate changed: it presented sha256:aa, sha256:bb was expected (2026-12-02T13:00:00.000Z)"), "h:1", "Push");
  expect(e.code).toBe("AUTH_FAILED");
  expect(e.message).toContain("it presented sha256:aa, sha256:bb was expected");
});

test("mTLS refusals are AUTH_FAILED naming --tls-cert", () => {
  const required = fromServiceError(unavailable("No connection established. Last error: error:1000045c:SSL routines:OPENSSL_internal:TLSV1_ALERT_CERTIFICATE_REQUIRED"), "h:1", "List");
  expect({ code: required.code, why: required.message.includes("none was given"), flag: required.message.includes("--tls-cert") }).toEqual({ code: "AUTH_FAILED", why: true, flag: true });
  const closed = fromServiceError(unavailable("No connection established. Last error: Failed to connect (2026-12-02T13:00:00.000Z)"), "h:1", "List", { fingerprint: "sha256:aa", identity: { certPem: "", keyPem: "" } });
  expect(closed.code).toBe("AUTH_FAILED");
});

test("without a client certificate a failed connection stays UNREACHABLE; in plaintext it suggests dropping --no-tls", () => {
  const failed = unavailable("No connection established. Last error: Failed to connect (2026-12-02T13:00:00.000Z)");
  expect(fromServiceError(failed, "h:1", "List", { fingerprint: "sha256:aa", identity: null }).code).toBe("UNREACHABLE");
  const plain = fromServiceError(failed, "h:1", "List", null);
  expect({ code: plain.code, hint: plain.message.includes("drop --no-tls") }).toEqual({ code: "UNREACHABLE", hint: true });
});
