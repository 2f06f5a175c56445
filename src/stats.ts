/** Server-wide counters reported by INFO (field names follow Redis's INFO). */
export interface Stats {
  connectionsReceived: number;
  rejectedConnections: number;
  commandsProcessed: number;
  netInputBytes: number;
  netOutputBytes: number;
  expiredKeys: number;
  expiredStalePerc: number;
  expiredTimeCapReached: number;
  evictedKeys: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  errorReplies: number;
  /** Error replies by code ("ERR", "WRONGTYPE", ...), for INFO errorstats. */
  errorCodes: Map<string, number>;
  clientQueryBufferLimitDisconnections: number;
  clientOutputBufferLimitDisconnections: number;
}

export function createStats(): Stats {
  return {
    connectionsReceived: 0,
    rejectedConnections: 0,
    commandsProcessed: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    expiredKeys: 0,
    expiredStalePerc: 0,
    expiredTimeCapReached: 0,
    evictedKeys: 0,
    keyspaceHits: 0,
    keyspaceMisses: 0,
    errorReplies: 0,
    errorCodes: new Map(),
    clientQueryBufferLimitDisconnections: 0,
    clientOutputBufferLimitDisconnections: 0,
  };
}

/** Resets what CONFIG RESETSTAT resets. */
export function resetStats(s: Stats): void {
  const fresh = createStats();
  Object.assign(s, fresh);
}
