import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { CloudTrailClient, LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import type { AccountTarget } from '../aws/targets.js';
import { lookupEventRecord } from '../cloudtrail/lookup-event.js';
import { classifyAwsError, describeAwsError, isExpiredCredentials } from '../aws/errors.js';
import type { CoverageEntry } from '../report/model.js';
import type { Clock } from './clock.js';
import type { ConcurrencyLimit } from './concurrency-limit.js';
import { lookupPageSchema, type LookupPage } from './lookup-page.js';
import { Pacer } from './pacer.js';
import { backoffDelayMs, type RetryPolicy } from './retry.js';
import type { RecordSink } from './sink.js';

export interface RegionReadSettings {
  eventNames: readonly string[];
  /** Fixed once per run: a NextToken is only honoured with the identical request. */
  startTime: Date;
  endTime: Date;
  ratePerSecond: number;
  retry: RetryPolicy;
  requestTimeoutMs: number;
  clock: Clock;
  /** Shared by every queue of the run: bounds the LookupEvents requests open at once. */
  inFlight: ConcurrencyLimit;
  /** Connection pools shared by every queue, so sockets stay bounded by `inFlight`, not by the number of queues. */
  agents?: { httpAgent: HttpAgent; httpsAgent: HttpsAgent };
}

interface RegionReadResult {
  coverage: CoverageEntry;
  throttled: number;
  retried: number;
}

/** A failure that ends the region's read: the message is already one line. */
class RegionReadError extends Error {}

const PAGE_SIZE = 50;

/**
 * Reads one (account, region) to the end: every event name's pages, all
 * sharing the region's paced queue, streamed into the sink page by page. A
 * region that cannot be read becomes a coverage entry with the AWS error,
 * never an exception, so the other regions keep going.
 */
export async function readRegion(target: AccountTarget, region: string, settings: RegionReadSettings, sink: RecordSink): Promise<RegionReadResult> {
  // The SDK's own retries would send extra requests outside the pacer, exactly
  // when the API asks for fewer; one attempt each, and the loop below retries.
  const newClient = () =>
    new CloudTrailClient({
      region,
      credentials: target.credentials,
      maxAttempts: 1,
      // A stalled request is abandoned and retried rather than holding its queue (the SDK only warns unless told to throw).
      requestHandler: {
        requestTimeout: settings.requestTimeoutMs,
        connectionTimeout: settings.requestTimeoutMs,
        throwOnRequestTimeout: true,
        ...settings.agents,
      },
    });
  let client = newClient();
  const retired: CloudTrailClient[] = [];
  const pacer = new Pacer(settings.ratePerSecond, settings.clock);
  // Requests of this queue take their turn one at a time: wait for the pacer,
  // then for a global slot, and only then tell the pacer the request left, so
  // the spacing holds from the moment of sending even when slots are scarce,
  // and a queue never holds a slot while it waits for its own pacer.
  let turns: Promise<void> = Promise.resolve();
  async function takeTurn(): Promise<() => void> {
    const previous = turns;
    let done!: () => void;
    turns = new Promise((resolve) => (done = resolve));
    try {
      await previous;
      await pacer.acquire();
      const release = await settings.inFlight.acquire();
      pacer.sent();
      return release;
    } finally {
      done();
    }
  }
  const origin = { account: target.accountId, region, ...(target.accountName !== undefined ? { accountName: target.accountName } : {}) };
  const tally = { requests: 0, events: 0, throttled: 0, retried: 0 };
  let failure: string | undefined;

  async function send(input: LookupEventsCommandInput): Promise<LookupPage> {
    for (let attempt = 1; ; attempt += 1) {
      const release = await takeTurn();
      // Another event name of this region already failed for good (e.g. access
      // denied): the rest of its queue would only fail the same way.
      if (failure !== undefined) {
        release();
        throw new RegionReadError(failure);
      }
      tally.requests += 1;
      let response: unknown;
      // What the request is sent with: a rejection names this session and this client.
      const sentWith = { client, generation: target.credentialGeneration?.() ?? 0 };
      try {
        response = await client.send(new LookupEventsCommand(input));
      } catch (error) {
        // The slot is for the request only: backoff waits happen without it.
        release();
        if (isExpiredCredentials(error) && target.invalidateCredentials !== undefined && attempt < settings.retry.maxAttempts) {
          // The session ended early (clock skew, revoked): assume the role again
          // and rebuild the client, whose own cache still holds the old session.
          tally.retried += 1;
          target.invalidateCredentials(sentWith.generation);
          // Several event names' requests can fail on the same old client; the
          // first rebuilds it. Requests still open on it finish before it is retired at the end.
          if (client === sentWith.client) {
            retired.push(client);
            client = newClient();
          }
          continue;
        }
        const kind = classifyAwsError(error);
        if (kind === 'permanent' || attempt >= settings.retry.maxAttempts) {
          const suffix = kind === 'permanent' ? '' : ` (gave up after ${attempt} attempts)`;
          throw new RegionReadError(describeAwsError(error) + suffix);
        }
        tally.retried += 1;
        const delay = backoffDelayMs(attempt, settings.retry);
        if (kind === 'throttled') {
          // The whole queue waits, not only this request: the budget is the region's.
          tally.throttled += 1;
          pacer.throttled(delay);
        } else {
          await settings.clock.sleep(delay);
        }
        continue;
      } finally {
        release();
      }
      pacer.succeeded();
      const page = lookupPageSchema.safeParse(response);
      if (!page.success) throw new RegionReadError(`unexpected LookupEvents response: ${page.error.issues[0]?.message ?? 'not valid'}`);
      return page.data;
    }
  }

  async function readEventName(eventName: string): Promise<void> {
    let nextToken: string | undefined;
    do {
      const page = await send({
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }],
        StartTime: settings.startTime,
        EndTime: settings.endTime,
        MaxResults: PAGE_SIZE,
        ...(nextToken !== undefined ? { NextToken: nextToken } : {}),
      });
      for (const event of page.Events ?? []) {
        tally.events += 1;
        // Asked for by name, so every event returned is one a detection needs:
        // the sink is told the name, and one it cannot read is a coverage gap.
        const record = lookupEventRecord(event);
        if (record === undefined) sink.addUnparseable(origin, eventName);
        else sink.add(record, origin, eventName);
      }
      // An API that hands back the token it was given would page forever.
      if (page.NextToken !== undefined && page.NextToken === nextToken) {
        throw new RegionReadError(`LookupEvents pagination did not advance for ${eventName}`);
      }
      nextToken = page.NextToken === '' ? undefined : page.NextToken;
    } while (nextToken !== undefined);
  }

  try {
    await Promise.all(
      settings.eventNames.map((eventName) =>
        readEventName(eventName).catch((error: unknown) => {
          failure ??= error instanceof RegionReadError ? error.message : describeAwsError(error);
        }),
      ),
    );
  } finally {
    for (const old of [...retired, client]) old.destroy();
  }
  const coverage: CoverageEntry = {
    account: target.accountId,
    ...(target.accountName !== undefined ? { account_name: target.accountName } : {}),
    region,
    status: failure === undefined ? 'ok' : 'error',
    ...(failure !== undefined ? { error: failure } : {}),
    requests: tally.requests,
    events: tally.events,
  };
  return { coverage, throttled: tally.throttled, retried: tally.retried };
}
