import type { INodeProperties } from 'n8n-workflow';
import { operationProperty } from '../fields';
import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	operationProperty('channel', [
		{ name: 'Get Many', value: 'getMany', action: 'Get many channels' },
	]),
	...getMany.description,
];
