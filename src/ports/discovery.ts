/** A daemon found on the network or named in configuration. */
export interface PeerRecord {
  readonly instance: string;
  readonly host: string;
  readonly port: number;
  readonly addresses: readonly string[];
  readonly version: string;
  /** The wire protocol version it speaks ("" when it did not say). */
  readonly protocol: string;
  readonly modules: readonly string[];
  /** True when the module list was cut to fit the announcement (ask the daemon with `list`). */
  readonly modulesTruncated: boolean;
  /** True when the daemon has a message of the day (shown by `list`). */
  readonly motd: boolean;
}

/** What a daemon announces about itself. */
export interface Announcement {
  readonly instance: string;
  readonly port: number;
  readonly version: string;
  readonly protocol: string;
  readonly modules: readonly string[];
  readonly hasMotd: boolean;
}

/** Finds daemons (mDNS, static lists) and announces this one. */
export interface Discovery {
  /** Starts announcing; the returned handle withdraws it (goodbye) when disposed. */
  announce(announcement: Announcement): Promise<AsyncDisposable>;
  /** Peers seen within `waitMs`, sorted by instance. Malformed records are ignored. */
  browse(waitMs: number, signal?: AbortSignal): Promise<PeerRecord[]>;
}
