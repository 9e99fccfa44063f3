import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * Connection pools shared by every (account, region) queue of one run. Each
 * SDK client would otherwise bring its own pool and keep its idle sockets
 * open until the region is done: hundreds of queues, hundreds of sockets.
 * Clients call `destroy()` when their region ends, which must not close the
 * pool the other queues are using, so only `close()` does.
 */
class SharedHttpAgent extends HttpAgent {
  override destroy(): void {}
  close(): void {
    super.destroy();
  }
}

class SharedHttpsAgent extends HttpsAgent {
  override destroy(): void {}
  close(): void {
    super.destroy();
  }
}

interface SharedAgents {
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
  close(): void;
}

/**
 * `maxSockets` per host equals the in-flight limit (the limit does the
 * queuing, never the pool); a few idle sockets per host are kept for reuse,
 * as regional endpoints are distinct hosts.
 */
export function sharedAgents(maxInFlight: number): SharedAgents {
  const options = { keepAlive: true, maxSockets: maxInFlight, maxFreeSockets: Math.min(maxInFlight, 8) };
  const httpAgent = new SharedHttpAgent(options);
  const httpsAgent = new SharedHttpsAgent(options);
  return {
    httpAgent,
    httpsAgent,
    close() {
      httpAgent.close();
      httpsAgent.close();
    },
  };
}
