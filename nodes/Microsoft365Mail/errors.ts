/** Bad input: a NodeOperationError that names the field and the fix, raised before any request. */
import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';

/** Operations that send mail: only their errors say "nothing was sent". */
const SENDING_OPERATIONS = new Set(['send', 'sendAndWait', 'reply', 'forward']);

/** Whether the node's operation sends mail (Send is the Mail node's default operation). */
export function sendsMail(node: INode): boolean {
	if (node.type.endsWith('Trigger')) return false;
	const operation = node.parameters?.operation;
	return SENDING_OPERATIONS.has(typeof operation === 'string' ? operation : 'send');
}

export function inputError(
	node: INode,
	field: string,
	message: string,
	itemIndex?: number,
): NodeOperationError {
	return new NodeOperationError(node, `${field}: ${message}`, {
		itemIndex,
		description: sendsMail(node)
			? `Fix the "${field}" parameter; nothing was sent.`
			: `Fix the "${field}" parameter; no request was made.`,
	});
}

/** An error as n8n shows it: n8n errors as they are, anything else wrapped for the item. */
export function nodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error instanceof Error ? error : String(error), {
		itemIndex,
	});
}
