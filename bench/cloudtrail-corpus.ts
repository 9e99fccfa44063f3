import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

/**
 * A synthetic CloudTrail log tree for the offline benchmark, laid out as
 * CloudTrail delivers it to S3: `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz`,
 * about 1,000 records of about 1 KiB per file. A few hundred records are
 * logging deletions the detections must find; the rest are the everyday
 * noise of an account, plus near misses (StartLogging, DeleteLogGroup).
 * Generated once and kept under bench/out/ (gitignored).
 */
export interface Corpus {
  root: string;
  files: string[];
  /** Files of one region only: a tenth of the records, for the memory comparison. */
  tenthRoot: string;
  tenthFiles: string[];
  records: number;
  /** Records the hunt must count (all fall inside the window). */
  matching: number;
  gzipBytes: number;
  jsonBytes: number;
}

export const CORPUS_NOW = '2024-10-10T00:00:00Z';
const WINDOW_MS = 7 * 86_400_000;
const ACCOUNT = '111122223333';
const REGIONS = ['ap-northeast-1', 'ap-southeast-2', 'ca-central-1', 'eu-central-1', 'eu-west-1', 'eu-west-2', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-west-2'];
const RECORDS_PER_FILE = 1000;
const MATCH_EVERY = 3000;
const FORMAT_VERSION = 2;

const gzipAsync = promisify(gzip);

/** A small seeded generator, so every run builds the same corpus. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function ensureCorpus(outDirectory: string, records: number): Promise<Corpus> {
  const root = join(outDirectory, `cloudtrail-${records}`, 'AWSLogs');
  const manifestPath = join(outDirectory, `cloudtrail-${records}`, 'manifest.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Corpus & { version: number };
    if (manifest.version === FORMAT_VERSION && manifest.files.every((f) => existsSync(f))) return manifest;
  }
  rmSync(join(outDirectory, `cloudtrail-${records}`), { recursive: true, force: true });
  const corpus = await generate(root, records);
  writeFileSync(manifestPath, JSON.stringify({ version: FORMAT_VERSION, ...corpus }));
  return corpus;
}

async function generate(root: string, total: number): Promise<Corpus> {
  const random = mulberry32(20241010);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const fileCount = Math.ceil(total / RECORDS_PER_FILE);
  const filesPerRegion = Math.ceil(fileCount / REGIONS.length);
  const endMs = Date.parse(CORPUS_NOW);
  const files: string[] = [];
  const tenthFiles: string[] = [];
  let matching = 0;
  let gzipBytes = 0;
  let jsonBytes = 0;
  const pending: Promise<void>[] = [];

  for (let fileIndex = 0; fileIndex < fileCount; fileIndex += 1) {
    const region = REGIONS[fileIndex % REGIONS.length]!;
    const slot = Math.floor(fileIndex / REGIONS.length);
    // Each region's files spread evenly over the window, oldest first, all strictly inside it.
    const fileStartMs = endMs - WINDOW_MS + 60_000 + Math.floor(((WINDOW_MS - 120_000) * slot) / filesPerRegion);
    const records: string[] = [];
    for (let i = 0; i < RECORDS_PER_FILE && fileIndex * RECORDS_PER_FILE + i < total; i += 1) {
      const index = fileIndex * RECORDS_PER_FILE + i;
      const time = new Date(fileStartMs + i * 250).toISOString().replace('.000Z', 'Z').replace(/\.\d{3}Z$/, 'Z');
      const match = index % MATCH_EVERY === MATCH_EVERY / 2;
      if (match) matching += 1;
      records.push(JSON.stringify(match ? deletion(index, time, region, uuid) : noise(index, time, region, uuid, random)));
    }
    const body = `{"Records":[${records.join(',')}]}`;
    const stamp = new Date(fileStartMs + 300_000).toISOString();
    const directory = join(root, ACCOUNT, 'CloudTrail', region, stamp.slice(0, 4), stamp.slice(5, 7), stamp.slice(8, 10));
    const path = join(directory, `${ACCOUNT}_CloudTrail_${region}_${stamp.slice(0, 16).replace(/[-:]/g, '')}Z_${hex(16)}.json.gz`);
    mkdirSync(directory, { recursive: true });
    files.push(path);
    if (region === REGIONS[0]) tenthFiles.push(path);
    jsonBytes += Buffer.byteLength(body);
    pending.push(
      gzipAsync(body).then(async (zipped) => {
        gzipBytes += zipped.length;
        await writeFile(path, zipped);
      }),
    );
    // Compress on the thread pool, a few files at a time, so generating stays within memory.
    if (pending.length >= 4) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  files.sort();
  tenthFiles.sort();
  return { root, files, tenthRoot: join(root, ACCOUNT, 'CloudTrail', REGIONS[0]!), tenthFiles, records: total, matching, gzipBytes, jsonBytes };
}

const CLI_AGENT = 'aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/linux#6.8.0-1017-aws md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe';
const SDK_AGENT = 'aws-sdk-java/2.25.60 Linux/6.8.0-1017-aws OpenJDK_64-Bit_Server_VM/21.0.3+9-LTS Java/21.0.3 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/standard';

function role(name: string, session: string, uuid: () => string) {
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE${name.toUpperCase().slice(0, 8)}:${session}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/${session}`,
    accountId: ACCOUNT,
    accessKeyId: `ASIA${uuid().replace(/-/g, '').slice(0, 16).toUpperCase()}`,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: `AROAEXAMPLE${name.toUpperCase().slice(0, 8)}`, arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, accountId: ACCOUNT, userName: name },
      webIdFederationData: {},
      attributes: { creationDate: '2024-10-05T08:00:00Z', mfaAuthenticated: 'false' },
    },
  };
}

function envelope(time: string, region: string, source: string, name: string, uuid: () => string) {
  return { eventVersion: '1.10', eventTime: time, eventSource: source, eventName: name, awsRegion: region, requestID: uuid(), eventID: uuid() };
}

const tls = (host: string) => ({ tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: host });
const tail = { eventType: 'AwsApiCall', managementEvent: true, recipientAccountId: ACCOUNT, eventCategory: 'Management' };

const NOISE = ['DescribeInstances', 'AssumeRole', 'GetObject', 'Decrypt', 'ConsoleLogin', 'DescribeFlowLogs', 'StartLogging', 'DeleteLogGroup'] as const;

function noise(index: number, time: string, region: string, uuid: () => string, random: () => number): object {
  // Mostly everyday calls; every 97th record a near miss (StartLogging, DeleteLogGroup).
  const kind = index % 97 === 0 ? NOISE[NOISE.length - 2 + (index % 2)]! : NOISE[Math.floor(random() * (NOISE.length - 2))]!;
  const identity = role(index % 3 === 0 ? 'app-backend' : 'ci-deployer', `session-${index % 50}`, uuid);
  const ip = `10.${index % 250}.${(index >> 8) % 250}.${(index >> 16) % 250}`;
  switch (kind) {
    case 'DescribeInstances':
      return { ...envelope(time, region, 'ec2.amazonaws.com', kind, uuid), userIdentity: identity, sourceIPAddress: ip, userAgent: SDK_AGENT,
        requestParameters: { instancesSet: { items: [{ instanceId: `i-${uuid().slice(0, 17).replace(/-/g, '')}` }] }, filterSet: {} }, responseElements: null, readOnly: true, ...tail, tlsDetails: tls(`ec2.${region}.amazonaws.com`) };
    case 'AssumeRole':
      return { ...envelope(time, region, 'sts.amazonaws.com', kind, uuid), userIdentity: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' }, sourceIPAddress: 'ec2.amazonaws.com', userAgent: 'ec2.amazonaws.com',
        requestParameters: { roleArn: `arn:aws:iam::${ACCOUNT}:role/app-backend`, roleSessionName: `i-${index.toString(16).padStart(17, '0')}` },
        responseElements: { credentials: { accessKeyId: 'ASIAEXAMPLEEXAMPLE01', sessionToken: 'HIDDEN_DUE_TO_SECURITY_REASONS', expiration: 'Oct 8, 2024, 4:15:32 PM' },
          assumedRoleUser: { assumedRoleId: 'AROAEXAMPLEEXAMPLE01:i-0123456789abcdef0', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app-backend/i-0123456789abcdef0` } },
        readOnly: true, resources: [{ accountId: ACCOUNT, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${ACCOUNT}:role/app-backend` }], ...tail };
    case 'GetObject':
      return { ...envelope(time, region, 's3.amazonaws.com', kind, uuid), userIdentity: identity, sourceIPAddress: ip, userAgent: `[${SDK_AGENT}]`,
        requestParameters: { bucketName: 'prod-data-lake', Host: `prod-data-lake.s3.${region}.amazonaws.com`, key: `events/2024/10/${index % 28}/part-${index}.parquet` },
        responseElements: null, additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 0, AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': uuid(), bytesTransferredOut: 48213 },
        readOnly: true, resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::prod-data-lake/events/part-${index}.parquet` }, { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::prod-data-lake' }],
        eventType: 'AwsApiCall', managementEvent: false, recipientAccountId: ACCOUNT, eventCategory: 'Data', tlsDetails: tls(`prod-data-lake.s3.${region}.amazonaws.com`) };
    case 'Decrypt':
      return { ...envelope(time, region, 'kms.amazonaws.com', kind, uuid), userIdentity: identity, sourceIPAddress: ip, userAgent: SDK_AGENT,
        requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: { 'aws:lambda:FunctionArn': `arn:aws:lambda:${region}:${ACCOUNT}:function:ingest` } },
        responseElements: null, readOnly: true, resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: `arn:aws:kms:${region}:${ACCOUNT}:key/${uuid()}` }], ...tail };
    case 'ConsoleLogin':
      return { ...envelope(time, region, 'signin.amazonaws.com', kind, uuid), userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLEUSER00001', arn: `arn:aws:iam::${ACCOUNT}:user/operator`, accountId: ACCOUNT, userName: 'operator' },
        sourceIPAddress: '198.51.100.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36',
        requestParameters: null, responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'Yes' },
        eventType: 'AwsConsoleSignIn', managementEvent: true, recipientAccountId: ACCOUNT, eventCategory: 'Management' };
    case 'DescribeFlowLogs':
      return { ...envelope(time, region, 'ec2.amazonaws.com', kind, uuid), userIdentity: identity, sourceIPAddress: ip, userAgent: CLI_AGENT, requestParameters: { DescribeFlowLogsRequest: '' }, responseElements: null, readOnly: true, ...tail, tlsDetails: tls(`ec2.${region}.amazonaws.com`) };
    case 'StartLogging':
      return { ...envelope(time, region, 'cloudtrail.amazonaws.com', kind, uuid), userIdentity: identity, sourceIPAddress: ip, userAgent: CLI_AGENT, requestParameters: { name: `arn:aws:cloudtrail:${region}:${ACCOUNT}:trail/management` }, responseElements: null, readOnly: false, ...tail, tlsDetails: tls(`cloudtrail.${region}.amazonaws.com`) };
    case 'DeleteLogGroup':
      return { ...envelope(time, region, 'logs.amazonaws.com', kind, uuid), userIdentity: identity, sourceIPAddress: ip, userAgent: CLI_AGENT, requestParameters: { logGroupName: '/vpc/flow-logs' }, responseElements: null, readOnly: false, ...tail, tlsDetails: tls(`logs.${region}.amazonaws.com`) };
  }
}

const DELETIONS = [
  ['ec2.amazonaws.com', 'DeleteFlowLogs', { DeleteFlowLogsRequest: { FlowLogId: { tag: 1, content: 'fl-0123456789abcdef0' } } }],
  ['route53resolver.amazonaws.com', 'DeleteResolverQueryLogConfig', { resolverQueryLogConfigId: 'rqlc-10e716304cee4d36' }],
  ['cloudtrail.amazonaws.com', 'DeleteTrail', { name: 'management' }],
  ['cloudtrail.amazonaws.com', 'StopLogging', { name: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/management` }],
] as const;

function deletion(index: number, time: string, region: string, uuid: () => string): object {
  const [source, name, request] = DELETIONS[index % DELETIONS.length]!;
  const failed = index % 7 === 0;
  return {
    ...envelope(time, region, source, name, uuid),
    userIdentity: role('NetworkAdmin', `session-${index % 5}`, uuid),
    sourceIPAddress: '203.0.113.45',
    userAgent: CLI_AGENT,
    ...(failed ? { errorCode: 'AccessDenied', errorMessage: `User is not authorized to perform: ${name}` } : {}),
    requestParameters: request,
    responseElements: null,
    readOnly: false,
    ...tail,
    tlsDetails: tls(`${source.split('.')[0]}.${region}.amazonaws.com`),
  };
}
