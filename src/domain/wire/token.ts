/** One-time data-plane tokens: 256 bits, compared without an early exit. */
export const TOKEN_BYTES = 32;

/** True when `a` and `b` hold the same bytes; the time taken does not depend on where they differ. */
export function tokensEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a[i % (a.length || 1)] ?? 0) ^ (b[i % (b.length || 1)] ?? 0);
  return diff === 0;
}

/** The TLS 1.3 exporter label binding data-plane tokens to their connection (RFC 8446 §7.5). */
export const DATA_TOKEN_EXPORTER_LABEL = "EXPORTER-blit-data-token";
