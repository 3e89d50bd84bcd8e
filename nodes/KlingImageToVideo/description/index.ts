import type { INodeProperties } from 'n8n-workflow';

import { generationFields } from './generationFields';
import { operationProperty } from './operation';
import { outputFields } from './outputFields';
import { providerProperty } from './provider';
import { requestFields } from './requestFields';
import { taskFields } from './taskFields';

export { providerCredentials } from './provider';

export const properties: INodeProperties[] = [
	providerProperty,
	operationProperty,
	...generationFields,
	...taskFields,
	...outputFields,
	...requestFields,
];
