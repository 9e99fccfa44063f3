import { classifyAwsError, describeAwsError } from '../src/aws/errors.js';

/** Errors shaped as the SDK throws them (a service exception's name is its AWS code). */
function sdkError(name: string, message: string, httpStatusCode?: number): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}

describe('AWS errors', () => {
  test.each([
    [sdkError('ThrottlingException', 'Rate exceeded', 400), 'throttled'],
    [sdkError('Error', 'Too Many Requests', 429), 'throttled'],
    [sdkError('InternalFailure', 'boom', 500), 'transient'],
    [sdkError('Error', 'Service Unavailable', 503), 'transient'],
    [sdkError('TimeoutError', 'Connection timed out after 250 ms'), 'transient'],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'transient'],
    [sdkError('AccessDeniedException', 'not authorized', 400), 'permanent'],
    [sdkError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400), 'permanent'],
    [sdkError('InvalidNextTokenException', 'bad token', 400), 'permanent'],
  ] as const)('%s is %s', (error, kind) => {
    expect(classifyAwsError(error)).toBe(kind);
  });

  test('describes an error as its code and message on one line', () => {
    expect(describeAwsError(sdkError('AccessDeniedException', 'User: x is not\n  authorized', 400))).toBe('AccessDeniedException: User: x is not authorized');
    expect(describeAwsError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('ECONNRESET: socket hang up');
    expect(describeAwsError(sdkError('Error', '', 502))).toBe('HTTP 502: UnknownError');
  });
});
