import { parseIsoDurationMs } from '../../../shared/config/isoDuration';

test.each([
  ['PT10M', 600_000],
  ['P7D', 604_800_000],
  ['P1W', 604_800_000],
  ['P1DT12H', 129_600_000],
  ['PT0.5S', 500],
  ['pt1h30m', 5_400_000],
  ['PT0S', 0],
])('%s is %d ms', (text, ms) => {
  expect(parseIsoDurationMs(text)).toBe(ms);
});

test.each(['', 'P', 'PT', 'P1M', 'P1Y', '10m', 'P1DT', 'PT-1S', 'P1.5D', '1h'])('%j is not a usable duration', (text) => {
  expect(parseIsoDurationMs(text)).toBeUndefined();
});
