/**
 * The emulated directory: tenants, app registrations (and service principals of multi-tenant
 * apps), users, groups and memberships, loaded from a JSON fixture and changed by tests.
 */
import { randomUUID } from 'node:crypto';
import { issueCertificate } from './tls';

export interface SecretFixture {
	/** The secret's ID (keyId), which Entra shows as "Secret ID". */
	id: string;
	/** The secret's value, which Entra shows once, as "Value". */
	value: string;
	displayName?: string;
	/** ISO date-time after which the secret is refused with AADSTS7000222. */
	expires: string;
}

export interface CertificateFixture {
	id: string;
	/** PEM of the uploaded public certificate (absent with `generate`). */
	certPem?: string;
	/** Generate a key pair and self-signed certificate when the emulator starts (demo and tests). */
	generate?: boolean;
	/** The private key of a generated certificate, which the emulator hands to tests and `npm run dev`. */
	keyPem?: string;
	displayName?: string;
	expires?: string;
}

export interface AppFixture {
	appId: string;
	displayName: string;
	/** Set on a service principal of an app registered in another tenant. */
	homeTenantId?: string;
	signInAudience?: 'AzureADMyOrg' | 'AzureADMultipleOrgs';
	secrets?: SecretFixture[];
	certificates?: CertificateFixture[];
	/** Redirect URIs of the Web platform. */
	redirectUris?: string[];
	/** "Allow public client flows": the app may redeem codes without a client credential. */
	publicClient?: boolean;
	/** Permissions the app registration requests (API permissions blade). */
	requested?: { delegated?: string[]; application?: string[] };
	/** Permissions granted (consented) in this tenant. Delegated entries of other resources are full URIs. */
	consent?: { delegated?: string[]; application?: string[] };
}

export interface UserFixture {
	id?: string;
	userPrincipalName: string;
	displayName: string;
	mail?: string | null;
	givenName?: string | null;
	surname?: string | null;
	jobTitle?: string | null;
	department?: string | null;
	officeLocation?: string | null;
	mobilePhone?: string | null;
	businessPhones?: string[];
	preferredLanguage?: string | null;
	accountEnabled?: boolean;
	userType?: 'Member' | 'Guest';
	createdDateTime?: string;
	mailNickname?: string;
	/** Object ID or UPN of the manager. */
	manager?: string;
	/** Kind of Exchange mailbox: none for accounts without one. */
	mailbox?: 'user' | 'shared' | 'room' | 'none';
	/** Users (UPN or ID) who may send as this mailbox (delegated Mail.Send.Shared). */
	sendAs?: string[];
	/** Any further Graph properties (extension attributes and the like). */
	extra?: Record<string, unknown>;
}

export interface GroupFixture {
	id?: string;
	displayName: string;
	mail?: string | null;
	mailNickname?: string;
	mailEnabled?: boolean;
	securityEnabled?: boolean;
	groupTypes?: string[];
	description?: string | null;
	createdDateTime?: string;
	/** Members by user UPN, user ID, group display name or group ID. */
	members?: string[];
}

/** A SharePoint document library (a drive of type documentLibrary). */
export interface DriveFixture {
	/** Display name, e.g. "Documents". */
	name: string;
	/** The library's URL segment, e.g. "Shared Documents" (default: the name). */
	urlName?: string;
	/** The list ID (a GUID); the drive ID is derived from the site and this. */
	listId: string;
	description?: string;
	/** The site's default library (`/sites/{id}/drive`); default: the first one. */
	default?: boolean;
	createdDateTime?: string;
	/** The library's own columns (list item fields); `Title` is always there. */
	columns?: ColumnFixture[];
}

/** A column of a document library (a list item field), by its internal name. */
export interface ColumnFixture {
	name: string;
	type: 'text' | 'number' | 'boolean' | 'dateTime' | 'choice';
	choices?: string[];
	readOnly?: boolean;
}

/** A SharePoint site, addressed by `{hostname},{siteCollectionId},{webId}` or by host and path. */
export interface SiteFixture {
	hostname: string;
	/** Server-relative path: "/" for the root site, "/sites/reports" for others. */
	path: string;
	displayName: string;
	description?: string;
	siteCollectionId: string;
	webId: string;
	createdDateTime?: string;
	/** Document libraries (default: one "Documents" library). */
	drives?: DriveFixture[];
	/** Apps granted on this site for `Sites.Selected` (roles: read, write, owner, fullcontrol). */
	appGrants?: Array<{ appId: string; roles: string[] }>;
}

/** A channel of a team (served by graph/teams.ts). */
export interface ChannelFixture {
	/** `19:...@thread.tacv2`; default: derived from the team and name. */
	id?: string;
	displayName: string;
	description?: string;
	membershipType?: 'standard' | 'private';
	/** Private channels: members by UPN or ID (standard channels have the team's members). */
	members?: string[];
}

/** A team on a Microsoft 365 group (served by graph/teams.ts). */
export interface TeamFixture {
	/** The group (ID or display name) the team belongs to; its members are the team's members. */
	group: string;
	description?: string;
	visibility?: 'private' | 'public';
	/** The team's SharePoint site (`hostname:/path`), whose default library holds channel files. */
	site: string;
	/** Channels; "General" is added first when missing. */
	channels?: ChannelFixture[];
	/** Members (UPN or ID) with the owner role in /teams/{id}/members. */
	owners?: string[];
	createdDateTime?: string;
}

/** A built-in directory role activated in the tenant (Graph `directoryRole`). */
export interface DirectoryRoleFixture {
	id?: string;
	displayName: string;
	description?: string | null;
	/** The role template's ID (the same in every tenant, e.g. Global Administrator's). */
	roleTemplateId: string;
	/** Members by user UPN or ID. */
	members?: string[];
}

/** A room mailbox's place properties (graph/places.ts; https://learn.microsoft.com/en-us/graph/api/resources/room). */
export interface RoomFixture {
	/** UPN of the room mailbox (a user with `mailbox: "room"`). */
	mailbox: string;
	/** The place's GUID (default: derived from the mailbox's object ID). */
	id?: string;
	capacity?: number;
	building?: string;
	floorNumber?: number;
	floorLabel?: string;
	audioDeviceName?: string;
	videoDeviceName?: string;
	displayDeviceName?: string;
	isWheelChairAccessible?: boolean;
	bookingType?: 'standard' | 'reserved';
	tags?: string[];
	nickname?: string;
	/** Exchange's resource booking attendant (AutomateProcessing AutoAccept); default true. */
	autoAccept?: boolean;
}

/** A room list (a distribution group of rooms; https://learn.microsoft.com/en-us/graph/api/resources/roomlist). */
export interface RoomListFixture {
	id?: string;
	displayName: string;
	emailAddress: string;
	address?: Record<string, string>;
	rooms: RoomFixture[];
}

export interface TenantFixture {
	tenantId: string;
	displayName: string;
	/** Verified domains; the first is the initial `*.onmicrosoft.com` domain. */
	domains: string[];
	apps?: AppFixture[];
	users?: UserFixture[];
	groups?: GroupFixture[];
	/** UPN of the user the authorize endpoint signs in when no login_hint is given. */
	signedInUser?: string;
	/** SharePoint sites with their document libraries (the emulator adds a root site if none is "/"). */
	sites?: SiteFixture[];
	/** Activated directory roles and their members (served by graph/directory.ts). */
	directoryRoles?: DirectoryRoleFixture[];
	/** Teams with their channels (each channel's files folder lives in the team site's library). */
	teams?: TeamFixture[];
	/** Room lists and their rooms (served by graph/places.ts and the calendar's room booking). */
	roomLists?: RoomListFixture[];
}

export interface EmulatorFixture {
	tenants: TenantFixture[];
}

export interface User extends Required<Omit<UserFixture, 'manager' | 'extra' | 'sendAs'>> {
	id: string;
	managerId?: string;
	sendAs: string[];
	extra: Record<string, unknown>;
}

export interface Group extends Required<Omit<GroupFixture, 'members'>> {
	id: string;
	memberIds: string[];
}

export class Tenant {
	readonly id: string;
	readonly displayName: string;
	readonly domains: string[];
	readonly apps = new Map<string, AppFixture>();
	readonly users: User[] = [];
	readonly groups: Group[] = [];
	signedInUser?: string;
	/** SharePoint sites of the fixture (served by graph/drives.ts). */
	readonly sites: SiteFixture[];
	/** Directory roles of the fixture (served by graph/directory.ts). */
	readonly directoryRoles: DirectoryRoleFixture[];
	/** Teams of the fixture (served by graph/teams.ts). */
	readonly teams: TeamFixture[];
	/** Room lists of the fixture (served by graph/places.ts). */
	readonly roomLists: RoomListFixture[];
	private readonly usersByKey = new Map<string, User>();
	private readonly groupsById = new Map<string, Group>();
	readonly createdDateTime = '2020-01-01T00:00:00Z';

	constructor(fixture: TenantFixture) {
		this.id = fixture.tenantId.toLowerCase();
		this.displayName = fixture.displayName;
		this.domains = fixture.domains.map((d) => d.toLowerCase());
		this.sites = fixture.sites ?? [];
		this.directoryRoles = fixture.directoryRoles ?? [];
		this.teams = fixture.teams ?? [];
		this.roomLists = fixture.roomLists ?? [];
		for (const app of fixture.apps ?? []) this.addApp(app);
		for (const user of fixture.users ?? []) this.addUser(user);
		for (const user of fixture.users ?? []) {
			if (user.manager) {
				const target = this.findUser(user.userPrincipalName)!;
				const manager = this.findUser(user.manager);
				if (!manager)
					throw new Error(
						`fixture: manager ${user.manager} of ${user.userPrincipalName} not found`,
					);
				target.managerId = manager.id;
			}
		}
		for (const group of fixture.groups ?? []) this.addGroup({ ...group, members: [] });
		for (const group of fixture.groups ?? []) {
			const target = this.groups.find((g) => g.displayName === group.displayName)!;
			for (const member of group.members ?? []) this.addMember(target.id, member);
		}
		this.signedInUser = fixture.signedInUser ?? this.users[0]?.userPrincipalName;
	}

	get defaultDomain(): string {
		return this.domains[0];
	}

	hasDomain(domain: string): boolean {
		return this.domains.includes(domain.toLowerCase());
	}

	addApp(app: AppFixture): AppFixture {
		this.apps.set(app.appId.toLowerCase(), app);
		return app;
	}

	addUser(fixture: UserFixture): User {
		const mailbox = fixture.mailbox ?? 'user';
		const user: User = {
			id: fixture.id ?? randomUUID(),
			userPrincipalName: fixture.userPrincipalName,
			displayName: fixture.displayName,
			mail:
				fixture.mail === undefined
					? mailbox === 'none'
						? null
						: fixture.userPrincipalName
					: fixture.mail,
			givenName: fixture.givenName ?? null,
			surname: fixture.surname ?? null,
			jobTitle: fixture.jobTitle ?? null,
			department: fixture.department ?? null,
			officeLocation: fixture.officeLocation ?? null,
			mobilePhone: fixture.mobilePhone ?? null,
			businessPhones: fixture.businessPhones ?? [],
			preferredLanguage: fixture.preferredLanguage ?? null,
			accountEnabled: fixture.accountEnabled ?? true,
			userType: fixture.userType ?? 'Member',
			createdDateTime: fixture.createdDateTime ?? '2021-06-01T08:00:00Z',
			mailNickname: fixture.mailNickname ?? fixture.userPrincipalName.split('@')[0],
			mailbox,
			sendAs: fixture.sendAs ?? [],
			extra: fixture.extra ?? {},
		};
		if (this.findUser(user.userPrincipalName) || this.usersByKey.has(user.id.toLowerCase())) {
			throw new Error(`user ${user.userPrincipalName} exists already`);
		}
		this.users.push(user);
		this.usersByKey.set(user.id.toLowerCase(), user);
		this.usersByKey.set(user.userPrincipalName.toLowerCase(), user);
		return user;
	}

	/** Adds `count` generated users (`user00001@<domain>` ...), for paging and scale tests. */
	seedUsers(count: number, prefix = 'seeded'): User[] {
		const added: User[] = [];
		const start = this.users.length;
		const width = String(start + count).length;
		for (let i = 0; i < count; i++) {
			const n = String(start + i + 1).padStart(Math.max(5, width), '0');
			added.push(
				this.addUser({
					userPrincipalName: `${prefix}${n}@${this.defaultDomain}`,
					displayName: `Seeded User ${n}`,
					givenName: 'Seeded',
					surname: `User ${n}`,
					department: ['Sales', 'Finance', 'Engineering', 'Operations'][i % 4],
					mailbox: 'user',
				}),
			);
		}
		return added;
	}

	findUser(idOrUpn: string): User | undefined {
		return this.usersByKey.get(idOrUpn.toLowerCase());
	}

	addGroup(fixture: GroupFixture): Group {
		const group: Group = {
			id: fixture.id ?? randomUUID(),
			displayName: fixture.displayName,
			mail: fixture.mail ?? null,
			mailNickname: fixture.mailNickname ?? fixture.displayName.replace(/[^A-Za-z0-9]/g, ''),
			mailEnabled: fixture.mailEnabled ?? false,
			securityEnabled: fixture.securityEnabled ?? true,
			groupTypes: fixture.groupTypes ?? [],
			description: fixture.description ?? null,
			createdDateTime: fixture.createdDateTime ?? '2021-06-01T08:00:00Z',
			memberIds: [],
		};
		this.groups.push(group);
		this.groupsById.set(group.id.toLowerCase(), group);
		for (const member of fixture.members ?? []) this.addMember(group.id, member);
		return group;
	}

	findGroup(idOrName: string): Group | undefined {
		return (
			this.groupsById.get(idOrName.toLowerCase()) ??
			this.groups.find((g) => g.displayName === idOrName)
		);
	}

	addMember(groupId: string, member: string): void {
		const group = this.findGroup(groupId);
		if (!group) throw new Error(`group ${groupId} not found`);
		const id = this.findUser(member)?.id ?? this.findGroup(member)?.id;
		if (!id) throw new Error(`member ${member} of ${group.displayName} not found`);
		if (!group.memberIds.includes(id)) group.memberIds.push(id);
	}

	/** Removes a user (Graph: deleted, so also gone from every group and no longer a manager). */
	removeUser(idOrUpn: string): User | undefined {
		const user = this.findUser(idOrUpn);
		if (!user) return undefined;
		this.users.splice(this.users.indexOf(user), 1);
		this.usersByKey.delete(user.id.toLowerCase());
		this.usersByKey.delete(user.userPrincipalName.toLowerCase());
		for (const group of this.groups) group.memberIds = group.memberIds.filter((m) => m !== user.id);
		for (const other of this.users) if (other.managerId === user.id) other.managerId = undefined;
		return user;
	}

	/** Removes a group (and its membership in other groups). */
	removeGroup(idOrName: string): Group | undefined {
		const group = this.findGroup(idOrName);
		if (!group) return undefined;
		this.groups.splice(this.groups.indexOf(group), 1);
		this.groupsById.delete(group.id.toLowerCase());
		for (const other of this.groups)
			other.memberIds = other.memberIds.filter((m) => m !== group.id);
		return group;
	}

	/** Removes a direct member (user or group, by UPN, ID or group name) from a group. */
	removeMember(groupId: string, member: string): void {
		const group = this.findGroup(groupId);
		if (!group) throw new Error(`group ${groupId} not found`);
		const id = this.findUser(member)?.id ?? this.findGroup(member)?.id ?? member;
		group.memberIds = group.memberIds.filter((m) => m !== id);
	}

	/** IDs of the groups that hold `id` (a user or group) as a direct member. */
	directGroupIds(id: string): string[] {
		return this.groups.filter((g) => g.memberIds.includes(id)).map((g) => g.id);
	}
}

export class Directory {
	readonly tenants: Tenant[] = [];

	constructor(fixture: EmulatorFixture) {
		for (const t of fixture.tenants) {
			for (const app of t.apps ?? []) {
				for (const cert of app.certificates ?? []) {
					if (cert.generate && !cert.certPem) {
						const material = issueCertificate({
							commonName: cert.displayName ?? app.displayName,
							extendedKeyUsage: 'client',
						});
						cert.certPem = material.certPem;
						cert.keyPem = material.keyPem;
					}
				}
			}
			this.tenants.push(new Tenant(t));
		}
	}

	/** Resolves a tenant by ID or verified domain. */
	findTenant(idOrDomain: string): Tenant | undefined {
		const key = idOrDomain.toLowerCase();
		return this.tenants.find((t) => t.id === key || t.hasDomain(key));
	}

	get home(): Tenant {
		return this.tenants[0];
	}

	/** The app registration (with its credentials) for a client ID, wherever it is registered. */
	findRegistration(appId: string): { tenant: Tenant; app: AppFixture } | undefined {
		for (const tenant of this.tenants) {
			const app = tenant.apps.get(appId.toLowerCase());
			if (app && !app.homeTenantId) return { tenant, app };
		}
		return undefined;
	}
}
