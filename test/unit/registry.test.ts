/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import {
	providerCredentials,
	providerProperty,
} from '../../nodes/KlingImageToVideo/description/provider';
import { PROVIDERS, type ProviderId } from '../../nodes/KlingImageToVideo/providers';
import {
	CREDENTIAL_TYPES as E2E_CREDENTIAL_TYPES,
	PROVIDER_NAMES,
} from '../../tools/n8n/workflows';
import { PROVIDERS as SIMULATED_PROVIDERS } from '../../tools/simulators/simulator';
import type { ProviderId as SimulatedProviderId } from '../../tools/simulators/types';

/** Everything that lists the providers follows the node's registry (providers/index.ts). */

const ROOT = resolve(__dirname, '../..');
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	n8n: { credentials: string[] };
};

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Compiles only while the simulators' type names exactly the providers the node has.
const sameProviderIds: Same<ProviderId, SimulatedProviderId> = true;

/** The `name` of the credential class each credentials file exports. */
async function credentialNameIn(file: string): Promise<string> {
	const module = (await import(join(ROOT, 'credentials', file))) as object;
	const [Credential] = Object.values(module) as Array<new () => { name: string }>;
	return new Credential().name;
}

const adapterCredentialTypes = Object.values(PROVIDERS)
	.map((provider) => provider.credentialType)
	.sort();

describe('the provider registry', () => {
	it('files each adapter under its own id', () => {
		for (const [id, provider] of Object.entries(PROVIDERS)) expect(provider.id).toBe(id);
	});

	it('is what the test simulators serve', () => {
		expect([...SIMULATED_PROVIDERS].sort()).toEqual(Object.keys(PROVIDERS).sort());
		expect(sameProviderIds).toBe(true);
	});

	// The end-to-end tests name providers as a user sees them, from outside the package.
	it('is what the end-to-end tests expect of the packed node', () => {
		const options = (providerProperty.options ?? []) as Array<{ name: string; value: string }>;
		expect(PROVIDER_NAMES).toEqual(
			Object.fromEntries(options.map((option) => [option.value, option.name])),
		);
		expect(E2E_CREDENTIAL_TYPES).toEqual(
			Object.fromEntries(Object.values(PROVIDERS).map((p) => [p.id, p.credentialType])),
		);
	});

	it("is what package.json's n8n.credentials load: one credential per adapter", async () => {
		const listed = packageJson.n8n.credentials.map((path) => {
			const match = /^dist\/credentials\/(\w+)\.credentials\.js$/.exec(path);
			expect(match).not.toBeNull();
			return `${match![1]}.credentials.ts`;
		});
		const files = readdirSync(join(ROOT, 'credentials')).filter((file) =>
			file.endsWith('.credentials.ts'),
		);
		expect([...listed].sort()).toEqual([...files].sort());
		const names = await Promise.all(files.map(credentialNameIn));
		expect(names.sort()).toEqual(adapterCredentialTypes);
	});

	it('is what the editor offers, each provider with its own credential', () => {
		const options = (providerProperty.options ?? []) as Array<{ name: string; value: string }>;
		expect(options.map((option) => option.value).sort()).toEqual(Object.keys(PROVIDERS).sort());
		const names = options.map((option) => option.name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
		expect(providerCredentials.map((credential) => credential.name).sort()).toEqual(
			adapterCredentialTypes,
		);
	});
});
