/**
 * Points the AWS SDK (which reads process.env) at an emulator for the
 * duration of one test. Jest runs each test file in its own worker, so the
 * change never leaks into other files; `restore` undoes it within the file.
 */
const CLEARED = ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'];

export function useEnv(vars: Record<string, string>): () => void {
  const keys = [...new Set([...CLEARED, ...Object.keys(vars)])];
  const saved = new Map(keys.map((key) => [key, process.env[key]]));
  for (const key of CLEARED) delete process.env[key];
  // No shared config/credentials files: only the emulator's keys may be found.
  process.env['AWS_CONFIG_FILE'] = '/dev/null';
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = '/dev/null';
  Object.assign(process.env, vars);
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
