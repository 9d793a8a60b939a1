/**
 * Send and Wait for Response, shared by the Mail and Teams nodes: parameters, links, wait time,
 * the waiting with its Timed Out output, and the webhook that takes the answer.
 */
export {
	SEND_AND_WAIT_OUTPUTS,
	SEND_AND_WAIT_TOOLTIP,
	sendAndWaitProperties,
	sendAndWaitWebhooks,
} from './description';
export {
	answerConfig,
	answerLinks,
	sendAndWaitInputError,
	waitTillDate,
	type AnswerConfig,
	type AnswerLink,
} from './config';
export { escapeHtml } from './page';
export { isLinkPreview } from './preview';
export { sendAndWaitWebhook } from './webhook';
export { sendEach, waitForAnswer, type Delivery } from './wait';
export { answerCard, mailHtml } from './message';
