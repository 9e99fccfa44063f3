import { trackingWarnings } from '../src/action/run.js';
import type { TrackingResult } from '../src/github/tracking-issue.js';

describe('warnings about the tracking issue', () => {
  const written: Extract<TrackingResult, { action: 'commented' | 'created' }> = {
    action: 'commented',
    issue: 4,
    url: 'https://github.com/acme/infra/issues/4#issuecomment-1',
    newEvents: 2900,
    deferredEvents: 0,
    labelsMissing: [],
  };

  test('events left for the next run are named in one warning', () => {
    expect(trackingWarnings({ ...written, deferredEvents: 120 })).toEqual([
      'Tracking issue #4: 120 new events not reported in this run, which writes at most 10 issue bodies and comments; ' +
        'the next run reports them (the most important went first).',
    ]);
    expect(trackingWarnings({ ...written, deferredEvents: 1 })[0]).toMatch(/^Tracking issue #4: 1 new event not reported in this run,/);
  });

  test('dropped labels and deferred events each warn; nothing to say, no warning', () => {
    expect(trackingWarnings({ ...written, action: 'created', deferredEvents: 3, labelsMissing: ['logging-tamper'] })).toEqual([
      'Tracking issue #4 was opened without the label(s) logging-tamper; create them in the repository, or the next run will not find this issue.',
      expect.stringMatching(/^Tracking issue #4: 3 new events not reported/),
    ]);
    expect(trackingWarnings({ ...written, deferredEvents: 0 })).toEqual([]);
    expect(trackingWarnings({ action: 'unchanged', issue: 4, reportedEvents: 3 })).toEqual([]);
    expect(trackingWarnings({ action: 'none' })).toEqual([]);
  });
});
