/**
 * Live configuration: directive values as Redis prints them in CONFIG GET,
 * validated on every change, with change listeners so hot values can be
 * cached where they are used. CONFIG SET's all-or-nothing multi-directive
 * update lives here too.
 */
import { DIRECTIVES, DIRECTIVE_BY_NAME, type Directive } from './directives.js';
import { ConfigError, displayValue, normalizeValue, parseMemory } from './values.js';

export { ConfigError, parseMemory } from './values.js';

export type ConfigValues = Record<string, string | number | boolean>;

export class Config {
  private readonly values = new Map<string, string>();
  private readonly listeners = new Map<string, Array<(v: string) => void>>();
  /** Absolute path of the config file the server was started with (CONFIG REWRITE target). */
  configFile: string | null = null;

  constructor(overrides: ConfigValues = {}) {
    for (const dir of DIRECTIVES) this.values.set(dir.name, dir.default);
    // Redis shows the working directory as dir's value when none is configured.
    this.values.set('dir', process.cwd());
    for (const [k, v] of Object.entries(overrides)) {
      try {
        this.set(k, typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));
      } catch (e) {
        // Embedders get the directive's name with Redis's reason.
        if (e instanceof ConfigError) throw new ConfigError(`Invalid directive '${k}' = '${String(v)}': ${e.message}`);
        throw e;
      }
    }
  }

  /** The directive for a name or alias (any case), or undefined. */
  directive(name: string): Directive | undefined {
    return DIRECTIVE_BY_NAME.get(name) ?? DIRECTIVE_BY_NAME.get(name.toLowerCase());
  }

  /** Every directive, canonical names only. */
  all(): readonly Directive[] {
    return DIRECTIVES;
  }

  /** The stored value (what watchers receive). Throws ConfigError for an unknown name. */
  get(name: string): string {
    const dir = this.directive(name);
    if (dir === undefined) throw new ConfigError(`unknown directive ${name}`);
    return this.values.get(dir.name)!;
  }

  /** The value as CONFIG GET shows it (differs from get() only in Redis's display quirks). */
  display(name: string): string {
    const dir = this.directive(name);
    return displayValue(dir?.name ?? '', this.get(name));
  }

  /** A numeric directive as a JS number (memory values in bytes; percentages are not numbers). */
  int(name: string): number {
    const dir = this.directive(name);
    const raw = this.get(name);
    if (dir?.type === 'octal') return parseInt(raw, 8);
    return dir?.type === 'memory' ? Number(parseMemory(raw)) : Number(raw);
  }

  /** A yes/no directive as a boolean. */
  bool(name: string): boolean {
    return this.get(name) === 'yes';
  }

  /** True when the directive still has Redis's (or respite's) default value. */
  isDefault(dir: Directive): boolean {
    return dir.name === 'dir' || this.values.get(dir.name) === dir.default;
  }

  /**
   * Validates and stores one value, ignoring mutability (start-up, config
   * files, embedding). Throws ConfigError with Redis's reason text.
   */
  set(name: string, value: string): void {
    const dir = this.directive(name);
    if (dir === undefined) throw new ConfigError('Bad directive or wrong number of arguments');
    this.store(dir, normalizeValue(dir, value, this.values.get(dir.name)!));
  }

  /** Appends more "<seconds> <changes>" pairs to save (a config file's second and later save lines). */
  appendSave(value: string): void {
    const dir = this.directive('save')!;
    const add = normalizeValue(dir, value, '');
    const cur = this.values.get('save')!;
    this.store(dir, cur === '' ? add : add === '' ? cur : `${cur} ${add}`);
  }

  /**
   * CONFIG SET with name/value pairs, all or nothing, checked in Redis's
   * order: every name first (unknown, immutable, protected, duplicate), then
   * every value, then all are applied. Returns the error text or null.
   */
  setMany(pairs: ReadonlyArray<readonly [string, string]>, allowProtected: boolean): string | null {
    const seen = new Set<string>();
    const dirs: Directive[] = [];
    for (const [name] of pairs) {
      const dir = this.directive(name);
      if (dir === undefined) return `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`;
      const failed = (why: string) => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`;
      if (dir.mode === 'immutable') return failed("can't set immutable config");
      if (dir.mode === 'protected' && !allowProtected) return failed("can't set protected config");
      // Redis detects a repeated name, not two aliases of one directive (the last one wins).
      const key = name.toLowerCase();
      if (seen.has(key)) return failed('duplicate parameter');
      seen.add(key);
      dirs.push(dir);
    }
    const staged = new Map<Directive, string>();
    for (let i = 0; i < pairs.length; i++) {
      const dir = dirs[i];
      try {
        staged.set(dir, normalizeValue(dir, pairs[i][1], staged.get(dir) ?? this.values.get(dir.name)!, true));
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        return `ERR CONFIG SET failed (possibly related to argument '${pairs[i][0].toLowerCase()}') - ${e.message}`;
      }
    }
    for (const [dir, v] of staged) this.store(dir, v);
    return null;
  }

  /** Calls `fn` now and whenever the directive changes. */
  watch(name: string, fn: (v: string) => void): void {
    const dir = this.directive(name)!;
    let list = this.listeners.get(dir.name);
    if (list === undefined) this.listeners.set(dir.name, (list = []));
    list.push(fn);
    fn(this.values.get(dir.name)!);
  }

  private store(dir: Directive, v: string): void {
    this.values.set(dir.name, v);
    for (const fn of this.listeners.get(dir.name) ?? []) fn(v);
  }
}
