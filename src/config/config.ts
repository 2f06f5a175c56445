/**
 * Live configuration: directive values as Redis prints them in CONFIG GET,
 * validated on every change, with change listeners so hot values can be
 * cached where they are used.
 */
import { DIRECTIVES, type Directive } from './directives.js';

export class ConfigError extends Error {}

/** Parses a memory value like Redis's memtoull: "1gb", "512mb", "100k", "1024". */
export function parseMemory(s: string): number | null {
  const m = /^(-?\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(s);
  if (m === null) return null;
  const mult: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  return Number(m[1]) * (m[2] === undefined ? 1 : mult[m[2].toLowerCase()]);
}

export type ConfigValues = Record<string, string | number | boolean>;

export class Config {
  private readonly values = new Map<string, string>();
  private readonly byName = new Map<string, Directive>();
  private readonly listeners = new Map<string, Array<(v: string) => void>>();

  constructor(overrides: ConfigValues = {}) {
    for (const dir of DIRECTIVES) {
      this.byName.set(dir.name, dir);
      for (const a of dir.aliases ?? []) this.byName.set(a, dir);
      this.values.set(dir.name, dir.default);
    }
    for (const [k, v] of Object.entries(overrides)) {
      this.set(k, typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));
    }
  }

  directive(name: string): Directive | undefined {
    return this.byName.get(name.toLowerCase());
  }

  all(): Directive[] {
    return DIRECTIVES;
  }

  get(name: string): string {
    const dir = this.directive(name);
    if (dir === undefined) throw new ConfigError(`unknown directive ${name}`);
    return this.values.get(dir.name)!;
  }

  int(name: string): number {
    const dir = this.directive(name);
    const raw = this.get(name);
    return dir?.type === 'memory' ? parseMemory(raw)! : Number(raw);
  }

  bool(name: string): boolean {
    return this.get(name) === 'yes';
  }

  /** Validates and stores a value; throws ConfigError with Redis's reason text. */
  set(name: string, value: string): void {
    const dir = this.directive(name);
    if (dir === undefined) throw new ConfigError('Bad directive or wrong number of arguments');
    const canonical = normalize(dir, value);
    this.values.set(dir.name, canonical);
    for (const fn of this.listeners.get(dir.name) ?? []) fn(canonical);
  }

  /** Calls `fn` now and whenever the directive changes. */
  watch(name: string, fn: (v: string) => void): void {
    const dir = this.directive(name)!;
    let list = this.listeners.get(dir.name);
    if (list === undefined) this.listeners.set(dir.name, (list = []));
    list.push(fn);
    fn(this.values.get(dir.name)!);
  }
}

function normalize(dir: Directive, value: string): string {
  switch (dir.type) {
    case 'bool': {
      const v = value.toLowerCase();
      if (v !== 'yes' && v !== 'no') throw new ConfigError("argument must be 'yes' or 'no'");
      return v;
    }
    case 'int': {
      if (!/^-?\d+$/.test(value)) throw new ConfigError("argument couldn't be parsed into an integer");
      const n = Number(value);
      if ((dir.min !== undefined && n < dir.min) || (dir.max !== undefined && n > dir.max)) {
        throw new ConfigError(`argument must be between ${dir.min} and ${dir.max} inclusive`);
      }
      return String(n);
    }
    case 'memory': {
      const n = parseMemory(value);
      if (n === null) throw new ConfigError('argument must be a memory value');
      return String(n);
    }
    case 'enum': {
      const v = value.toLowerCase();
      if (!dir.enumValues!.includes(v)) throw new ConfigError(`argument(s) must be one of the following: ${dir.enumValues!.join(', ')}`);
      return v;
    }
    default:
      return value;
  }
}
