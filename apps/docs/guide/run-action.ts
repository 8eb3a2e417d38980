import { createClient } from '@mindzie/client';
import { runAction } from '@mindzie/poller/node';

const client = createClient.fromEnv(); // MINDZIE_BASE_URL, MINDZIE_TOKEN, MINDZIE_TENANT_ID, MINDZIE_PROJECT_ID
const result = await runAction(client, 'a0000000-0000-4000-8000-000000000001', { download: { directory: './out' } });
console.log(`${result.execution.status}: saved ${result.file.path}`);
