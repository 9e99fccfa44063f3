import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAwsEmulator, type AwsEmulator } from './emulators/aws.js';
import { cloudTrailRecord } from './emulators/records.js';
import { runAction } from './helpers/action-runner.js';
import { REPO_ROOT } from './helpers/paths.js';

// The bundles must find credentials through the whole default chain, not only
// in AWS_ACCESS_KEY_ID: a shared credentials profile is the most common
// source for CLI users, and the SDK loads it from code that the bundle must
// have initialised before the scan starts.
const ACCOUNT = '444455556666';
const NOW = new Date('2026-11-20T12:00:00Z');

let aws: AwsEmulator;
let dir: string;
let profileEnv: Record<string, string>;

beforeAll(async () => {
  aws = await startAwsEmulator({ accounts: [{ id: ACCOUNT, regions: ['eu-west-1'] }] });
  aws.addRecords(ACCOUNT, 'eu-west-1', [
    cloudTrailRecord({ eventName: 'StopLogging', eventTime: '2026-11-19T08:00:00Z', account: ACCOUNT, region: 'eu-west-1', eventID: 'stop-1' }),
  ]);
  dir = await mkdtemp(join(tmpdir(), 'ltg-profile-'));
  const keys = aws.env(ACCOUNT);
  const credentialsFile = join(dir, 'credentials');
  await writeFile(
    credentialsFile,
    `[scanner]\naws_access_key_id = ${keys['AWS_ACCESS_KEY_ID']}\naws_secret_access_key = ${keys['AWS_SECRET_ACCESS_KEY']}\n`,
  );
  // Everything the emulator needs except the keys, which come from the profile.
  profileEnv = Object.fromEntries(Object.entries(keys).filter(([name]) => name !== 'AWS_ACCESS_KEY_ID' && name !== 'AWS_SECRET_ACCESS_KEY'));
  Object.assign(profileEnv, { AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_CONFIG_FILE: '/dev/null', AWS_PROFILE: 'scanner' });
});

afterAll(async () => {
  await aws.close();
  await rm(dir, { recursive: true, force: true });
});

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), ...args], {
    env: { PATH: process.env['PATH'] ?? '', HOME: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('dist/cli.js reads AWS with credentials from a shared credentials profile', async () => {
  const result = await runCli(['scan', '--now', NOW.toISOString(), '--format', 'json'], profileEnv);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(1);
  const report = JSON.parse(result.stdout) as { coverage: { account: string; status: string }[]; hunts: { rows: { event_ids: string[] }[] }[] };
  expect(report.coverage).toEqual([expect.objectContaining({ account: ACCOUNT, region: 'eu-west-1', status: 'ok' })]);
  expect(report.hunts[0]?.rows.flatMap((row) => row.event_ids)).toEqual(['stop-1']);
});

test('dist/index.js (the action) reads AWS with credentials from a shared credentials profile', async () => {
  // The action's window ends at the real clock, so the event is placed one hour ago.
  aws.addRecords(ACCOUNT, 'eu-west-1', [
    cloudTrailRecord({ eventName: 'DeleteTrail', eventTime: new Date(Date.now() - 3_600_000).toISOString(), account: ACCOUNT, region: 'eu-west-1', eventID: 'delete-1' }),
  ]);
  const run = await runAction({ regions: 'all' }, profileEnv);
  expect(run.outputs['status']).toBe('findings');
  expect(run.code).toBe(1);
  expect(run.summary).toContain('DeleteTrail');
});
