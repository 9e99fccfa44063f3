import { isCalendarDate } from '../src/calendar.js';

describe('isCalendarDate', () => {
  test.each(['2024-02-29T00:00:00Z', '2024-01-31', '2024-12-31T23:59:59Z', '2023-02-28T00:00:00Z', '2024-10-01T00:00:00Z', '2000-02-29'])('%s is a real day', (text) => {
    expect(isCalendarDate(text)).toBe(true);
  });

  test.each(['2024-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '2024-04-31T00:00:00Z', '1900-02-29', '2024-00-10T00:00:00Z', '2024-13-10', '2024-02-00', '2024-1-10', 'yesterday', ''])(
    '%s is not',
    (text) => {
      expect(isCalendarDate(text)).toBe(false);
    },
  );

  test('agrees with a calendar built from Date.UTC for every day of a leap and a common year', () => {
    for (const year of [2023, 2024]) {
      for (let month = 1; month <= 12; month += 1) {
        for (let day = 1; day <= 31; day += 1) {
          const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T12:00:00Z`;
          const real = new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
          expect([text, isCalendarDate(text)]).toEqual([text, real]);
        }
      }
    }
  });
});
