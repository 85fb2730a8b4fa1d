// The store as the functions use it, in this process, with the capacity meter on its client.
// Imported only after run.ts has set DYNAMODB_ENDPOINT and TABLE_NAME.
import { capacityMeter } from './capacity.ts';

const { dynamo, documents, tableName } = await import('../lib/store/client.ts');

export { documents, dynamo, tableName };
export const meter = capacityMeter(dynamo);
