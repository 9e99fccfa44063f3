import { runInNewContext } from 'node:vm';
import { describeError, InputError } from '../src/errors.js';

describe('describeError', () => {
  test('keeps only the first line of a message', () => {
    expect(describeError(new Error('first line\n    at stack frame'))).toBe('first line');
  });

  test('reads errors made in another realm, which are not instanceof Error here', () => {
    const foreign: unknown = runInNewContext('new TypeError("Unknown option \'--x\'")');
    expect(foreign instanceof Error).toBe(false);
    expect(describeError(foreign)).toBe("Unknown option '--x'");
  });

  test('an input error names the file and the problem', () => {
    expect(describeError(new InputError('logs/a.json.gz', 'truncated gzip data'))).toBe('logs/a.json.gz: truncated gzip data');
  });

  test('non-errors are stringified', () => {
    expect(describeError('plain')).toBe('plain');
    expect(describeError(42)).toBe('42');
  });
});
