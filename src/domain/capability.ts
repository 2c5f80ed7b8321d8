/**
 * True when `x` has every one of `members` as a method: the one check behind every optional
 * capability of a port (ports/store-capabilities.ts), e.g. `offers<WholeReads>(store, "readWhole")`.
 * Narrows `x` to the capability, so the members can then be called.
 */
export function offers<C extends object>(x: object, ...members: readonly (keyof C & string)[]): x is C {
  return members.every((m) => typeof (x as Record<string, unknown>)[m] === "function");
}
