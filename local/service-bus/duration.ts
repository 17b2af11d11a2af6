/**
 * ISO 8601 durations as the emulator's Config.json writes them ("PT1M", "PT5S", "P1DT2H", "PT0.5S").
 * Years and months are refused: their length in milliseconds is not fixed.
 */
const DURATION_PATTERN = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

const UNIT_MS = [7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000];

/** Milliseconds in `text`, or undefined when it is not an ISO 8601 duration of weeks/days/hours/minutes/seconds. */
export function parseIsoDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim().toUpperCase());
  if (!match || text.trim().toUpperCase() === 'P' || /T$/.test(text.trim())) return undefined;
  const parts = match.slice(1);
  if (parts.every((part) => part === undefined)) return undefined;
  return parts.reduce((total, part, index) => total + (part === undefined ? 0 : Number(part) * UNIT_MS[index]), 0);
}
