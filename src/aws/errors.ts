/**
 * AWS SDK errors reduced to what the collector decides on: a code, one line
 * of text for the report, and whether trying again can help.
 */

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function shapeOf(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
}

/** The AWS error code (`AccessDeniedException`, `ThrottlingException`, ...), or the error's name. */
function awsErrorCode(error: unknown): string {
  const shape = shapeOf(error);
  if (typeof shape.name === 'string' && shape.name !== '' && shape.name !== 'Error') return shape.name;
  if (typeof shape.code === 'string' && shape.code !== '') return shape.code;
  return 'UnknownError';
}

function httpStatusOf(error: unknown): number | undefined {
  const status = shapeOf(error).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** `Code: message` on one line, whitespace collapsed, so it fits a report cell or an error line. */
export function describeAwsError(error: unknown): string {
  const code = awsErrorCode(error);
  const shape = shapeOf(error);
  const message = typeof shape.message === 'string' ? shape.message.replace(/\s+/g, ' ').trim() : String(error);
  const status = httpStatusOf(error);
  const text = message === '' || message === code ? code : `${code}: ${message}`;
  // A bare 5xx from a proxy often has no code of its own; the status says what happened.
  return code === 'UnknownError' && status !== undefined ? `HTTP ${status}: ${text}` : text;
}

const THROTTLING_CODES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

// Failures of the connection rather than of the request: another attempt may well succeed.
const TRANSIENT_CODES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

/**
 * `throttled`: the API said slow down (pause the whole queue, then retry);
 * `transient`: 5xx, timeout or dropped connection (retry after a backoff);
 * `permanent`: anything else (access denied, region not enabled, bad
 * request): retrying cannot help.
 */
type AwsErrorKind = 'throttled' | 'transient' | 'permanent';

export function classifyAwsError(error: unknown): AwsErrorKind {
  const code = awsErrorCode(error);
  const status = httpStatusOf(error);
  if (THROTTLING_CODES.has(code) || status === 429) return 'throttled';
  if (TRANSIENT_CODES.has(code) || (status !== undefined && status >= 500)) return 'transient';
  const shapeCode = shapeOf(error).code;
  if (typeof shapeCode === 'string' && TRANSIENT_CODES.has(shapeCode)) return 'transient';
  return 'permanent';
}

// A temporary session AWS no longer accepts: assuming the role again is the cure, not waiting.
const EXPIRED_CREDENTIAL_CODES = new Set(['ExpiredTokenException', 'ExpiredToken', 'RequestExpired']);

export function isExpiredCredentials(error: unknown): boolean {
  return EXPIRED_CREDENTIAL_CODES.has(awsErrorCode(error));
}
