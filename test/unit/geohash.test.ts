/**
 * Geohash arithmetic and number formatting, checked against documented
 * Redis 7.0 replies (the GEO command pages' Sicily example, verified on the
 * 7.0.15 oracle), C printf semantics, and correctly rounded trigonometry
 * (reference values computed with 300-bit mpmath).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFixed, formatHuman } from '../../src/commands/geo.js';
import {
  cellBits,
  decodeScore,
  distance,
  encode,
  geohashString,
  searchRanges,
  stepsForRadius,
  validLonLat,
} from '../../src/types/geohash.js';
import { crAsin, crCos, crSin } from '../../src/types/geohash-math.js';

const PALERMO = 3479099956230698;
const CATANIA = 3479447370796909;

describe('geohash encoding', () => {
  it('encodes positions to the scores Redis stores', () => {
    assert.equal(cellBits(encode(13.361389, 38.115556, 26)), PALERMO);
    assert.equal(cellBits(encode(15.087269, 37.502669, 26)), CATANIA);
  });

  it('decodes scores to the cell centers GEOPOS reports', () => {
    const [lon, lat] = decodeScore(PALERMO);
    assert.equal(formatHuman(lon), '13.36138933897018433');
    assert.equal(formatHuman(lat), '38.11555639549629859');
    const [lon2, lat2] = decodeScore(CATANIA);
    assert.equal(formatHuman(lon2), '15.08726745843887329');
    assert.equal(formatHuman(lat2), '37.50266842333162032');
  });

  it('produces the standard 11-character geohash strings', () => {
    assert.equal(geohashString(PALERMO), 'sqc8b49rny0');
    assert.equal(geohashString(CATANIA), 'sqdtr74hyu0');
  });

  it('measures GEODIST distances like Redis (m, km, mi)', () => {
    const [a, b] = [decodeScore(PALERMO), decodeScore(CATANIA)];
    const d = distance(a[0], a[1], b[0], b[1]);
    assert.equal(formatFixed(d, 4), '166274.1516');
    assert.equal(formatFixed(d / 1000, 4), '166.2742');
    assert.equal(formatFixed(d / 1609.34, 4), '103.3182');
  });

  it('accepts the Web Mercator bounds inclusively', () => {
    assert.ok(validLonLat(180, 85.05112878));
    assert.ok(validLonLat(-180, -85.05112878));
    assert.ok(!validLonLat(180.0000001, 0));
    assert.ok(!validLonLat(0, -85.05112879));
  });

  it('chooses coarser steps for larger radii and near the poles', () => {
    assert.equal(stepsForRadius(0, 0), 26);
    assert.ok(stepsForRadius(1000, 0) > stepsForRadius(100000, 0));
    assert.equal(stepsForRadius(1000, 70), stepsForRadius(1000, 0) - 1);
    assert.equal(stepsForRadius(1000, 81), stepsForRadius(1000, 0) - 2);
    assert.equal(stepsForRadius(1e9, 0), 1);
  });

  it('covers a search with at most nine disjoint score ranges containing the center', () => {
    const ranges = searchRanges({ lon: 15, lat: 37, conversion: 1000, radius: 200 });
    assert.ok(ranges.length >= 1 && ranges.length <= 9);
    const center = cellBits(encode(15, 37, 26));
    assert.ok(ranges.some(([lo, hi]) => lo <= center && center < hi));
    for (const [lo, hi] of ranges) assert.ok(lo < hi);
  });
});

describe('C number formatting', () => {
  it('%f rounds exact ties to even, like glibc printf', () => {
    assert.equal(formatFixed(0.0078125, 6), '0.007812');
    assert.equal(formatFixed(0.0234375, 6), '0.023438');
    assert.equal(formatFixed(2.5, 0), '2');
    assert.equal(formatFixed(3.5, 0), '4');
    assert.equal(formatFixed(181, 6), '181.000000');
  });

  it('%f keeps the sign of negative values rounding to zero, and prints huge values in full', () => {
    assert.equal(formatFixed(-0.0000001, 6), '-0.000000');
    assert.equal(formatFixed(Infinity, 6), 'inf');
    assert.equal(formatFixed(-Infinity, 6), '-inf');
    assert.ok(formatFixed(1e300, 6).startsWith('1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.000000'));
  });

  it('human long-double text trims trailing zeros', () => {
    assert.equal(formatHuman(180), '180');
    assert.equal(formatHuman(-85.05112878), '-85.0511287799999991');
    assert.equal(formatHuman(0.5), '0.5');
  });
});

describe('correctly rounded trigonometry', () => {
  // Arguments where V8's Math differs from the correctly rounded result.
  const cases: Array<[(x: number) => number, number, number]> = [
    [crSin, 0.8392962638654144, 0.7441732179103783],
    [crSin, -0.8679608919345516, -0.7630124778987362],
    [crSin, 0.12677583503929202, 0.12643651525605404],
    [crCos, 1.1117879581991446, 0.4430593350403837],
    [crCos, -0.7837791176338507, 0.7082506921523287],
    [crCos, 1.0744483325435832, 0.47621741208669915],
    [crAsin, 0.5566166674539299, 0.5903076884879671],
    [crAsin, 0.5382669169180314, 0.5683793536493104],
    [crAsin, 0.7582200803883872, 0.8605788209353552],
  ];
  it('matches 300-bit reference values', () => {
    for (const [f, x, want] of cases) assert.equal(f(x), want, `${f.name}(${x})`);
  });

  it('keeps exact special values', () => {
    assert.equal(crSin(0), 0);
    assert.equal(crCos(0), 1);
    assert.equal(crAsin(1), Math.PI / 2);
    assert.ok(Number.isNaN(crAsin(1.0000000000000002)));
  });
});
