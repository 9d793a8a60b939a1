import csdl from './csdl.json';
import { graphCsdlSource, typeProperties, validateGraphBody } from './contract';

function sendMailBody(): Record<string, unknown> {
	return {
		message: {
			subject: 'Quarterly report',
			importance: 'high',
			body: { contentType: 'HTML', content: '<p>Attached.</p>' },
			toRecipients: [{ emailAddress: { address: 'alice@contoso.com', name: 'Alice' } }],
			ccRecipients: [{ emailAddress: { address: 'bob@contoso.com' } }],
			replyTo: [],
			internetMessageHeaders: [{ name: 'x-custom-header', value: 'n8n' }],
			attachments: [
				{
					'@odata.type': '#microsoft.graph.fileAttachment',
					name: 'report.txt',
					contentType: 'text/plain',
					contentBytes: 'SGVsbG8gd29ybGQ=',
				},
			],
		},
		saveToSentItems: false,
	};
}

function messageWith(extra: Record<string, unknown>): Record<string, unknown> {
	return { subject: 'x', ...extra };
}

describe('the CSDL extract', () => {
	it('records its source commit and generator', () => {
		expect(csdl.source).toMatchObject({
			repo: 'microsoftgraph/msgraph-metadata',
			path: 'clean_v10_metadata/cleanMetadata.xml',
			commit: 'f54f11b6',
			date: '2026-08-20',
		});
		expect(csdl.generatedBy).toBe('scripts/generate-graph-extracts.ts');
		expect(graphCsdlSource.commit).toBe('f54f11b6');
	});

	it('lists inherited properties of a type, base type first', () => {
		const props = typeProperties('user') ?? [];
		expect(props.slice(0, 2)).toEqual(['id', 'deletedDateTime']);
		expect(props).toEqual(expect.arrayContaining(['userPrincipalName', 'accountEnabled']));
		expect(props).not.toContain('manager'); // a navigation property
		expect(typeProperties('noSuchType')).toBeUndefined();
	});
});

describe('validateGraphBody', () => {
	it('accepts a valid sendMail body', () => {
		expect(validateGraphBody('action:sendMail', sendMailBody())).toEqual([]);
	});

	it('takes action parameters in any case, as Graph does', () => {
		const { message, saveToSentItems } = sendMailBody();
		expect(
			validateGraphBody('action:sendMail', { Message: message, SaveToSentItems: saveToSentItems }),
		).toEqual([]);
	});

	it('requires the non-nullable parameters of an action', () => {
		const errors = validateGraphBody('action:sendMail', { saveToSentItems: true });
		expect(errors).toEqual([expect.stringMatching(/^\$\.Message: missing required parameter/)]);
	});

	it('rejects an unknown action parameter', () => {
		const errors = validateGraphBody('action:sendMail', { ...sendMailBody(), saveToSent: true });
		expect(errors).toHaveLength(1);
		expect(errors[0]).toContain('unknown parameter "saveToSent"');
		expect(errors[0]).toContain('did you mean "SaveToSentItems"');
	});

	it('names a misspelled property of a message', () => {
		const body = sendMailBody();
		const message = body.message as Record<string, unknown>;
		message.toRecepients = message.toRecipients;
		delete message.toRecipients;
		const errors = validateGraphBody('action:sendMail', body);
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatch(/^\$\.message\.toRecepients: unknown property "toRecepients"/);
		expect(errors[0]).toContain('microsoft.graph.message');
		expect(errors[0]).toContain('did you mean "toRecipients"');
	});

	it('rejects a bad enum value', () => {
		const errors = validateGraphBody('message', messageWith({ importance: 'urgentish' }));
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatch(
			/^\$\.importance: "urgentish" is not a member of microsoft\.graph\.importance/,
		);
	});

	it('accepts enum names in any case unless strictEnumCase is set', () => {
		const body = messageWith({ body: { contentType: 'HTML', content: 'x' } });
		expect(validateGraphBody('message', body)).toEqual([]);
		expect(validateGraphBody('message', body, { strictEnumCase: true })).toEqual([
			expect.stringMatching(/^\$\.body\.contentType: "HTML" is not a member of/),
		]);
	});

	it('rejects comma-joined values for an enum that is not a flags enum', () => {
		const errors = validateGraphBody('message', messageWith({ importance: 'low,high' }));
		expect(errors).toHaveLength(1);
		expect(errors[0]).toContain('"low,high" is not a member of microsoft.graph.importance');
	});

	it('handles flags enums (IsFlags): comma-joined members', () => {
		const history = (actions: string) => ({
			body: { contentType: 'text', content: 'hi' },
			messageHistory: [{ actions, modifiedDateTime: '2026-01-02T03:04:05.1234567Z' }],
		});
		expect(validateGraphBody('chatMessage', history('reactionAdded'))).toEqual([]);
		expect(validateGraphBody('chatMessage', history('reactionAdded,reactionRemoved'))).toEqual([]);
		expect(validateGraphBody('chatMessage', history('reactionAdded, reactionRemoved'))).toEqual([]);
		const errors = validateGraphBody('chatMessage', history('reactionAdded,reactionBogus'));
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatch(
			/^\$\.messageHistory\[0\]\.actions: "reactionBogus" is not a member of microsoft\.graph\.chatMessageActions \(flags\)/,
		);
	});

	it('rejects wrong primitive types', () => {
		const errors = validateGraphBody(
			'message',
			messageWith({
				isRead: 'true',
				receivedDateTime: 'yesterday',
				subject: 42,
				toRecipients: { emailAddress: { address: 'a@b.c' } },
			}),
		);
		expect(errors).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^\$\.isRead: expected a boolean \(Edm\.Boolean\)/),
				expect.stringMatching(/^\$\.receivedDateTime: .* is not a valid Edm\.DateTimeOffset/),
				expect.stringMatching(/^\$\.subject: expected a string \(Edm\.String\)/),
				expect.stringMatching(/^\$\.toRecipients: expected an array/),
			]),
		);
		expect(errors).toHaveLength(4);

		const attachment = validateGraphBody('attachment', {
			'@odata.type': '#microsoft.graph.fileAttachment',
			size: '12',
			isInline: 1,
			contentBytes: 'not base64!',
		});
		expect(attachment).toEqual([
			expect.stringMatching(/^\$\.size: expected an integer \(Edm\.Int32\)/),
			expect.stringMatching(/^\$\.isInline: expected a boolean/),
			expect.stringMatching(/^\$\.contentBytes: .* is not a valid Edm\.Binary/),
		]);

		expect(validateGraphBody('organization', { id: 'x', tenantType: 'AAD' })).toEqual([]);
		expect(
			validateGraphBody('assignedLicense', { skuId: 'not-a-guid', disabledPlans: [] }),
		).toEqual([expect.stringMatching(/^\$\.skuId: .* is not a valid Edm\.Guid/)]);
		expect(validateGraphBody('uploadSession', { expirationDateTime: 12 })).toEqual([
			expect.stringMatching(/^\$\.expirationDateTime: expected a string/),
		]);
	});

	it('rejects null where the CSDL says not nullable', () => {
		expect(validateGraphBody('chatMessage', { body: null })).toEqual([
			expect.stringMatching(/^\$\.body: null is not allowed/),
		]);
		expect(validateGraphBody('message', messageWith({ subject: null }))).toEqual([]);
	});

	it('requires non-nullable properties only when allowMissing is false', () => {
		const recipient = { emailAddress: { address: 'a@b.c' } };
		expect(validateGraphBody('recipient', recipient)).toEqual([]);
		expect(validateGraphBody('channel', { description: 'x' })).toEqual([]);
		expect(validateGraphBody('channel', { description: 'x' }, { allowMissing: false })).toEqual([
			'$.id: missing non-nullable property of Edm.String',
			'$.displayName: missing non-nullable property of Edm.String',
		]);
	});

	it('picks a derived type by @odata.type', () => {
		const item = {
			'@odata.type': '#microsoft.graph.fileAttachment',
			name: 'a.txt',
			contentBytes: 'SGVsbG8=',
		};
		expect(validateGraphBody('attachment', item)).toEqual([]);
		expect(validateGraphBody('message', messageWith({ attachments: [item] }))).toEqual([]);
		// contentBytes is declared on fileAttachment, not on itemAttachment
		const asItem = { ...item, '@odata.type': '#microsoft.graph.itemAttachment' };
		expect(validateGraphBody('attachment', asItem)).toEqual([
			expect.stringMatching(
				/^\$\.contentBytes: unknown property .* microsoft\.graph\.itemAttachment/,
			),
		]);
	});

	it('rejects a bogus @odata.type and one that does not derive from the declared type', () => {
		const bogus = validateGraphBody(
			'message',
			messageWith({ attachments: [{ '@odata.type': '#microsoft.graph.fileAttachmentz' }] }),
		);
		expect(bogus).toEqual([
			'$.attachments[0]["@odata.type"]: unknown type "#microsoft.graph.fileAttachmentz"',
		]);
		const unrelated = validateGraphBody(
			'message',
			messageWith({ attachments: [{ '@odata.type': '#microsoft.graph.user' }] }),
		);
		expect(unrelated).toHaveLength(1);
		expect(unrelated[0]).toContain('does not derive from microsoft.graph.attachment');
	});

	it('requires @odata.type for an abstract declared type', () => {
		const errors = validateGraphBody('message', messageWith({ attachments: [{ name: 'a' }] }));
		expect(errors).toEqual([
			expect.stringMatching(/^\$\.attachments\[0\]: microsoft\.graph\.attachment is abstract/),
		]);
	});

	it('accepts a derived type outside the extract after checking its derivation', () => {
		const member = {
			'@odata.type': '#microsoft.graph.skypeForBusinessUserConversationMember',
			roles: ['owner'],
			tenantId: 'x',
		};
		expect(validateGraphBody('conversationMember', member)).toEqual([]);
	});

	it('validates a user collection response with @odata.nextLink', () => {
		const page = {
			'@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users',
			'@odata.nextLink': 'https://graph.microsoft.com/v1.0/users?$skiptoken=X',
			'@odata.count': 2,
			value: [
				{
					id: '6f1c1a2b-0000-4000-8000-000000000001',
					displayName: 'Alice',
					userPrincipalName: 'alice@contoso.com',
					businessPhones: [],
					accountEnabled: true,
					createdDateTime: '2026-01-01T00:00:00Z',
				},
				{ id: '6f1c1a2b-0000-4000-8000-000000000002', displayName: 'Bob', mail: null },
			],
		};
		expect(validateGraphBody('Collection(microsoft.graph.user)', page)).toEqual([]);
		expect(validateGraphBody('Collection(user)', page.value)).toEqual([]);

		const bad = { ...page, value: [page.value[0], { id: 'b', accountEnabled: 'yes' }] };
		expect(validateGraphBody('Collection(user)', bad)).toEqual([
			expect.stringMatching(/^\$\.value\[1\]\.accountEnabled: expected a boolean/),
		]);
		expect(validateGraphBody('Collection(user)', { ...page, extra: 1 })).toEqual([
			'$.extra: unexpected property "extra" in a collection response',
		]);
		expect(validateGraphBody('Collection(user)', { value: 'x' })).toEqual([
			expect.stringMatching(/^\$\.value: expected an array/),
		]);
	});

	it('accepts instance and property annotations, rejects unknown OData ones', () => {
		expect(
			validateGraphBody('group', {
				displayName: 'Team',
				'@odata.etag': 'W/"1"',
				'members@odata.bind': ['https://graph.microsoft.com/v1.0/directoryObjects/1'],
				'owners@odata.bind': ['https://graph.microsoft.com/v1.0/users/2'],
			}),
		).toEqual([]);
		expect(
			validateGraphBody('driveItem', {
				name: 'a.txt',
				file: {},
				'@microsoft.graph.conflictBehavior': 'rename',
				'@microsoft.graph.downloadUrl': 'https://example.invalid/a',
			}),
		).toEqual([]);
		expect(validateGraphBody('message', messageWith({ '@odata.frobnicate': 1 }))).toEqual([
			'$["@odata.frobnicate"]: unknown OData annotation "@odata.frobnicate"',
		]);
		expect(validateGraphBody('message', messageWith({ 'subjekt@odata.type': '#String' }))).toEqual([
			expect.stringMatching(/annotation of unknown property "subjekt"/),
		]);
	});

	it('validates expanded navigation properties against their target type', () => {
		const errors = validateGraphBody('listItem', {
			id: '1',
			fields: { Title: 'anything goes in a property bag', Amount: 3 },
			driveItem: { name: 'a.txt', size: 'big' },
		});
		expect(errors).toEqual([expect.stringMatching(/^\$\.driveItem\.size: expected an integer/)]);
	});

	it('treats open entity types as open to extension properties only, by default', () => {
		const user = { displayName: 'A', extension_0a1b2c3d_costCenter: 'X1' };
		expect(validateGraphBody('user', user)).toEqual([]);
		expect(validateGraphBody('user', { displayNam: 'A' })).toEqual([
			expect.stringContaining('unknown property "displayNam" on microsoft.graph.user'),
		]);
		expect(validateGraphBody('user', { displayNam: 'A' }, { openTypes: 'open' })).toEqual([]);
		// identity is an open complex type: SharePoint adds e.g. `email`
		expect(
			validateGraphBody('identitySet', { user: { id: '1', displayName: 'A', email: 'a@b.c' } }),
		).toEqual([]);
	});

	it('validates the overloaded createUploadSession by binding type', () => {
		const body = {
			item: { '@microsoft.graph.conflictBehavior': 'replace', name: 'big.bin', fileSize: 123 },
		};
		expect(validateGraphBody('action:driveItem/createUploadSession', body)).toEqual([]);
		expect(() => validateGraphBody('action:createUploadSession', body)).toThrow(/ambiguous/);
		const attachment = {
			AttachmentItem: { attachmentType: 'file', name: 'big.bin', size: 4_000_000 },
		};
		expect(
			validateGraphBody('action:Collection(attachment)/createUploadSession', attachment),
		).toEqual([]);
		expect(
			validateGraphBody('action:Collection(attachment)/createUploadSession', {
				AttachmentItem: { attachmentType: 'document', name: 'x', size: 1 },
			}),
		).toEqual([expect.stringMatching(/^\$\.AttachmentItem\.attachmentType: "document"/)]);
	});

	it('validates reply and forward bodies', () => {
		expect(validateGraphBody('action:reply', { comment: 'Thanks!' })).toEqual([]);
		expect(
			validateGraphBody('action:forward', {
				comment: 'FYI',
				toRecipients: [{ emailAddress: { address: 'c@contoso.com' } }],
			}),
		).toEqual([]);
		expect(validateGraphBody('action:forward', { toRecipients: 'c@contoso.com' })).toEqual([
			expect.stringMatching(/^\$\.toRecipients: expected an array/),
		]);
	});

	it('throws for a type or action that is not in the extract', () => {
		expect(() => validateGraphBody('microsoft.graph.contact', {})).toThrow(/not in the extract/);
		expect(() => validateGraphBody('action:sendMial', {})).toThrow(/Unknown Graph action/);
	});
});
