/**
 * Partial quicksort, as Redis applies it when only a slice of the sorted
 * output is needed (GEOSEARCH ... COUNT, SORT ... BY ... LIMIT).
 *
 * Why reproduce the algorithm instead of sorting fully: the result slice is
 * the same, but elements that compare equal come out in the order this
 * particular algorithm leaves them, and Redis replies with that order. The
 * algorithm is the classic Bentley–McIlroy quicksort (insertion sort below
 * 7 elements, median of three, ninther above 40, three-way partition that
 * parks equal keys at both ends then swaps them to the middle), recursing
 * only into partitions that overlap the wanted index range.
 */

/** Comparator: negative, zero or positive. */
export type Compare<T> = (a: T, b: T) => number;

function swap<T>(v: T[], i: number, j: number): void {
  const t = v[i];
  v[i] = v[j];
  v[j] = t;
}

/** Swaps the n-element blocks starting at i and j. */
function vecswap<T>(v: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(v, i + k, j + k);
}

function med3<T>(v: T[], a: number, b: number, c: number, cmp: Compare<T>): number {
  return cmp(v[a], v[b]) < 0
    ? cmp(v[b], v[c]) < 0
      ? b
      : cmp(v[a], v[c]) < 0
        ? c
        : a
    : cmp(v[b], v[c]) > 0
      ? b
      : cmp(v[a], v[c]) < 0
        ? a
        : c;
}

/**
 * Sorts `v` enough that indexes lo..hi (inclusive) hold what a full sort
 * would put there, with Redis's placement of equal elements.
 */
export function pqsort<T>(v: T[], cmp: Compare<T>, lo: number, hi: number): void {
  sortRange(v, 0, v.length, cmp, lo, hi);
}

function overlaps(start: number, count: number, lo: number, hi: number): boolean {
  return !(hi < start || lo >= start + count);
}

function sortRange<T>(v: T[], a: number, n: number, cmp: Compare<T>, lo: number, hi: number): void {
  for (;;) {
    if (n < 7) {
      for (let m = a + 1; m < a + n; m++) for (let l = m; l > a && cmp(v[l - 1], v[l]) > 0; l--) swap(v, l, l - 1);
      return;
    }
    let pm = a + (n >> 1);
    if (n > 7) {
      let pl = a;
      let pn = a + n - 1;
      if (n > 40) {
        const d = n >> 3;
        pl = med3(v, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(v, pm - d, pm, pm + d, cmp);
        pn = med3(v, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(v, pl, pm, pn, cmp);
    }
    swap(v, a, pm);
    let pa = a + 1;
    let pb = pa;
    let pc = a + n - 1;
    let pd = pc;
    for (;;) {
      let r: number;
      while (pb <= pc && (r = cmp(v[pb], v[a])) <= 0) {
        if (r === 0) swap(v, pa++, pb);
        pb++;
      }
      while (pb <= pc && (r = cmp(v[pc], v[a])) >= 0) {
        if (r === 0) swap(v, pc, pd--);
        pc--;
      }
      if (pb > pc) break;
      swap(v, pb++, pc--);
    }
    const pn = a + n;
    let r = Math.min(pa - a, pb - pa);
    vecswap(v, a, pb - r, r);
    r = Math.min(pd - pc, pn - pd - 1);
    vecswap(v, pb, pn - r, r);
    r = pb - pa;
    if (r > 1 && overlaps(a, r, lo, hi)) sortRange(v, a, r, cmp, lo, hi);
    r = pd - pc;
    if (r <= 1) return;
    a = pn - r;
    n = r;
    if (!overlaps(a, n, lo, hi)) return;
  }
}
