/**
 * Whether a timestamp's leading `YYYY-MM-DD` is a real calendar day.
 * Date.parse rolls impossible days over (2024-02-30 becomes March 1); CloudTrail
 * never writes them and Elastic rejects them, so neither may we.
 */
export function isCalendarDate(timestamp: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(timestamp);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  return calendar.getUTCFullYear() === year && calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day;
}
