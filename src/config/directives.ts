/**
 * The table of configuration directives: Redis 7.0's names, types, defaults
 * and mutability. `effect: false` marks directives that are accepted and
 * shown by CONFIG GET but do not change behaviour yet (logged at start-up).
 */

export type DirectiveType = 'bool' | 'int' | 'memory' | 'enum' | 'string' | 'special';

export interface Directive {
  name: string;
  aliases?: string[];
  type: DirectiveType;
  default: string;
  enumValues?: string[];
  min?: number;
  max?: number;
  /** CONFIG SET may change it at runtime. */
  mutable: boolean;
  /** The directive changes respite's behaviour (false: accepted, no effect yet). */
  effect: boolean;
}

const d = (name: string, type: DirectiveType, def: string, mutable: boolean, effect: boolean, extra: Partial<Directive> = {}): Directive => ({
  name,
  type,
  default: def,
  mutable,
  effect,
  ...extra,
});

export const DIRECTIVES: Directive[] = [
  d('port', 'int', '6379', true, true, { min: 0, max: 65535 }),
  d('bind', 'string', '127.0.0.1 -::1', true, true),
  d('protected-mode', 'bool', 'yes', true, true),
  d('unixsocket', 'string', '', false, true),
  d('unixsocketperm', 'int', '0', false, true),
  d('databases', 'int', '16', false, true, { min: 1, max: 2147483647 }),
  d('requirepass', 'string', '', true, true),
  d('maxclients', 'int', '10000', true, true, { min: 1, max: 2147483647 }),
  d('timeout', 'int', '0', true, true, { min: 0, max: 2147483647 }),
  d('proto-max-bulk-len', 'memory', '536870912', true, true, { min: 1024 * 1024 }),
  d('client-query-buffer-limit', 'memory', '1073741824', true, true, { min: 1024 * 1024 }),
  d('hz', 'int', '10', true, true, { min: 1, max: 500 }),
  d('appendonly', 'bool', 'no', true, false),
  d('save', 'special', '3600 1 300 100 60 10000', true, false),
  d('dir', 'special', '', true, true),
  d('loglevel', 'enum', 'notice', true, true, { enumValues: ['debug', 'verbose', 'notice', 'warning', 'nothing'] }),
];
