import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

/** Wire formats of the three protocols the emulator speaks. */

export function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.destroyed) return; // the client gave up (its timeout); nothing to answer
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': randomUUID() });
  res.end(body);
}

/** awsJson1_1 (CloudTrail). Errors carry `__type`, as the real service sends them. */
export function sendJson(res: ServerResponse, body: unknown): void {
  send(res, 200, 'application/x-amz-json-1.1', JSON.stringify(body));
}

export function sendJsonError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, 'application/x-amz-json-1.1', JSON.stringify({ __type: code, message }));
}

/** ec2Query success: the action's response element. */
export function sendEc2(res: ServerResponse, action: string, inner: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${randomUUID()}</requestId>${inner}</${action}Response>`;
  send(res, 200, 'text/xml;charset=UTF-8', body);
}

export function sendEc2Error(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`;
  send(res, status, 'text/xml;charset=UTF-8', body);
}

/** awsQuery (STS): `<ActionResponse><ActionResult>`. */
export function sendQuery(res: ServerResponse, action: string, inner: string): void {
  const body = `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
  send(res, 200, 'text/xml', body);
}

export function sendQueryError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  send(res, status, 'text/xml', body);
}
