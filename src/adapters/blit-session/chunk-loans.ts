import type { Channel } from "../../ports/transport.ts";

/**
 * A received chunk its channel takes back (Channel.release) once its records were handled and no
 * piece of it is kept any more.
 */
export interface Loan {
  readonly chunk: Uint8Array;
  readonly channel: Channel;
  /** Pieces of it waiting in files' queues. */
  kept: number;
  handled: boolean;
}

/** The pieces of a finished small file, and what gives their chunks back once they were copied. */
export interface WholeFile {
  readonly parts: Uint8Array[];
  release(): void;
}

/** Takes a file's queued pieces out, with what gives their chunks back (once, when called). */
export function take(f: { queued: Uint8Array[]; loans: (Loan | null)[] }): WholeFile & { readonly loans: (Loan | null)[] } {
  const parts = f.queued.splice(0);
  const loans = f.loans.splice(0);
  let released = false;
  return {
    parts,
    loans,
    release: () => {
      if (released) return;
      released = true;
      for (const l of loans) if (l !== null) unkeep(l);
    },
  };
}

function unkeep(loan: Loan): void {
  loan.kept--;
  repay(loan);
}

/** Gives a chunk back once its records were handled and nothing of it is kept. */
export function repay(loan: Loan): void {
  if (loan.handled && loan.kept === 0) loan.channel.release!(loan.chunk);
}
