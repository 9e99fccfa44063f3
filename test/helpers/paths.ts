import { fileURLToPath } from 'node:url';

/** The repository root, and the shared fixtures CI places beside it. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHARED_FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/cloudtrail/', import.meta.url));
