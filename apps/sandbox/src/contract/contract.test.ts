// The contract suite against a sandbox started here, or against the real instance named
// by MINDZIE_CONTRACT_BASE_URL (and friends; see the README).
import { contractSuite } from './suite.ts';
import { remoteTargetFromEnv, sandboxTarget } from './target.ts';

const remote = remoteTargetFromEnv();
contractSuite(remote ? `remote ${remote.label}` : 'sandbox', async () => remote ?? sandboxTarget());
