/** A daemon found on the network or named in configuration. */
export interface PeerRecord {
  readonly instance: string;
  readonly host: string;
  readonly port: number;
  readonly addresses: readonly string[];
  readonly version: string;
  readonly modules: readonly string[];
}

/** What a daemon announces about itself. */
export interface Announcement {
  readonly instance: string;
  readonly port: number;
  readonly version: string;
  readonly modules: readonly string[];
  readonly hasMotd: boolean;
}

/** Finds daemons (mDNS, static lists) and announces this one. */
export interface Discovery {
  /** Starts announcing; the returned handle withdraws it (goodbye) when disposed. */
  announce(announcement: Announcement): Promise<AsyncDisposable>;
  /** Peers seen within `waitMs`. Malformed records are ignored. */
  browse(waitMs: number, signal?: AbortSignal): Promise<PeerRecord[]>;
}
