/**
 * Number formatting exactly as Redis 7.0 prints numbers.
 */

/**
 * C's `%.17g` for a double, with Redis's spelling of infinities (`inf`,
 * `-inf`). Redis 7.0 uses this for RESP doubles and ZSCORE-like replies.
 */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  return formatG(d, 17);
}

/** C's `%.<precision>g`. */
export function formatG(d: number, precision: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const exp = d.toExponential(precision - 1); // "d.ddddde[+-]x"
  const ePos = exp.indexOf('e');
  const x = Number(exp.slice(ePos + 1));
  if (x < -4 || x >= precision) {
    let mant = exp.slice(0, ePos);
    if (mant.includes('.')) mant = mant.replace(/\.?0+$/, '');
    const sign = x < 0 ? '-' : '+';
    const ax = Math.abs(x);
    return `${mant}e${sign}${ax < 10 ? '0' + ax : ax}`;
  }
  let fixed = d.toFixed(Math.max(0, precision - 1 - x));
  if (fixed.includes('.')) fixed = fixed.replace(/\.?0+$/, '');
  return fixed;
}
