/**
 * What the emulator needs from a SigV4 `Authorization` header: who signed
 * (the access key id) and for which region and service. Signatures are not
 * verified; the emulator tests the client's behaviour, not its crypto.
 */
export interface SignedScope {
  accessKeyId: string;
  region: string;
  service: string;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;

export function signedScopeOf(authorization: string | undefined): SignedScope | undefined {
  const match = authorization === undefined ? null : CREDENTIAL.exec(authorization);
  if (match === null) return undefined;
  return { accessKeyId: match[1]!, region: match[2]!, service: match[3]! };
}
