import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Real CloudTrail records from Elastic's integration tests, with Elastic's expected field values (see its README). */
export const ELASTIC_FIXTURES = fileURLToPath(new URL('../fixtures/cloudtrail/', import.meta.url));
/** @deprecated use ELASTIC_FIXTURES */
export const SHARED_FIXTURES = ELASTIC_FIXTURES;
