/**
 * Whether a timestamp's leading `YYYY-MM-DD` is a real calendar day.
 * Date.parse rolls impossible days over (2024-02-30 becomes March 1); CloudTrail
 * never writes them and Elastic rejects them, so neither may we. This runs on
 * every record: days up to 28 exist in every month (and V8 already rejects
 * day 00, day 32+ and months 00 and 13), so only days 29 to 31 need the full check.
 */
export function isCalendarDate(timestamp: string): boolean {
  const dayTens = timestamp.charCodeAt(8) - 48;
  const dayUnits = timestamp.charCodeAt(9) - 48;
  const day = dayTens * 10 + dayUnits;
  if (dayTens >= 0 && dayTens <= 2 && dayUnits >= 0 && dayUnits <= 9 && day >= 1 && day <= 28 && timestamp.charCodeAt(7) === 45) {
    return /^\d{4}-(0[1-9]|1[0-2])-/.test(timestamp);
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(timestamp);
  if (match === null) return false;
  const [year, month, dayOfMonth] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, dayOfMonth));
  return calendar.getUTCFullYear() === year && calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === dayOfMonth;
}
