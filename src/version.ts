/** respite's own version. */
export const RESPITE_VERSION = '0.1.0';
/** The Redis version respite is compatible with, reported as redis_version (clients gate features on it). */
export const REDIS_VERSION = '7.0.15';
