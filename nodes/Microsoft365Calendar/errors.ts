/** Bad input: a NodeOperationError that names the field and the fix, raised before any request. */
import { NodeOperationError, type INode } from 'n8n-workflow';

export function inputError(
	node: INode,
	field: string,
	message: string,
	itemIndex?: number,
): NodeOperationError {
	return new NodeOperationError(node, `${field}: ${message}`, {
		itemIndex,
		description: `Fix the "${field}" parameter; no request was made.`,
	});
}
