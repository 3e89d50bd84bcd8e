/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * `npm run dev`: n8n comes up on localhost with the package, the simulator credentials and the
 * examples; a workflow runs through the editor's REST API and through the CLI; Ctrl-C stops it all.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { DEFAULT_KEY_PAIR } from '../../tools/simulators';
import { freePort, parseExecution, stopProcess } from '../../tools/n8n/n8nCli';
import { REPO_ROOT } from '../../tools/n8n/packageInstall';
import { NPM, runCommand, startProcess } from '../../tools/n8n/processes';

/** A login for the throwaway owner account of this test's dev folder. */
const OWNER = {
	email: 'dev@example.com',
	firstName: 'Dev',
	lastName: 'Example',
	password: 'Dummy-dev-pass-1',
};

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

describe('npm run dev', () => {
	let devFolder: string;
	let port: number;
	let dev: ChildProcess;
	let output = '';
	let n8nPid = 0;
	const url = (pathname: string) => `http://localhost:${port}${pathname}`;

	beforeAll(async () => {
		devFolder = mkdtempSync(path.join(tmpdir(), 'kling-dev-test-'));
		port = await freePort();
		const env = Object.fromEntries(
			Object.entries(process.env).filter(([name]) => !/^(N8N_|KLING_DEV)/.test(name)),
		);
		dev = startProcess(NPM, ['run', '--silent', 'dev'], {
			cwd: REPO_ROOT,
			env: {
				...env,
				N8N_PORT: String(port),
				KLING_DEV_FOLDER: devFolder,
				KLING_DEV_LATENCY_MS: '1500',
			},
			detached: true,
		});
		dev.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
		dev.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
		const deadline = Date.now() + 15 * 60_000;
		while (!output.includes('n8n is ready')) {
			if (dev.exitCode !== null || Date.now() > deadline)
				throw new Error(`npm run dev did not come up:\n${output.slice(-5000)}`);
			await sleep(250);
		}
		n8nPid = Number(readFileSync(path.join(devFolder, 'n8n.pid'), 'utf8'));
	}, 30 * 60_000);

	afterAll(async () => {
		if (dev) await stopProcess(dev, 20_000);
		// n8n runs in its own process group; stop it if the dev command could not.
		if (n8nPid && alive(n8nPid)) process.kill(-n8nPid, 'SIGKILL');
		if (devFolder) rmSync(devFolder, { recursive: true, force: true });
	});

	it('serves the n8n editor on localhost and lists what it set up', async () => {
		const editor = await fetch(url('/'));
		expect(editor.status).toBe(200);
		expect(await editor.text()).toMatch(/<title>n8n/i);
		expect(await (await fetch(url('/healthz'))).json()).toEqual({ status: 'ok' });
		expect(output).toContain('"Simulator (Novita AI)"');
		expect(output).toContain('"Simulator (GMI Cloud)"');
		expect(output).toContain('"Kling: generate a video from an image URL"');
	});

	describe('through the REST API the editor uses', () => {
		let cookie = '';
		const call = async (method: string, pathname: string, body?: unknown) => {
			const response = await fetch(url(pathname), {
				method,
				headers: {
					'content-type': 'application/json',
					'browser-id': 'kling-dev-test',
					...(cookie && { cookie }),
				},
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const setCookie = response.headers.get('set-cookie');
			if (setCookie) cookie = setCookie.split(';')[0];
			const text = await response.text();
			if (!response.ok)
				throw new Error(`${method} ${pathname}: ${response.status} ${text.slice(0, 500)}`);
			return JSON.parse(text) as { data: Record<string, unknown> };
		};

		beforeAll(async () => {
			await call('POST', '/rest/owner/setup', OWNER);
			await call('POST', '/rest/login', {
				emailOrLdapLoginId: OWNER.email,
				password: OWNER.password,
			});
		});

		it('offers the node (and its AI tool variant) in the editor, with its icons', async () => {
			const nodeTypes = (await (
				await fetch(url('/types/nodes.json'), { headers: { cookie } })
			).json()) as Array<{
				name: string;
				iconUrl?: { light: string; dark: string };
			}>;
			const kling = nodeTypes.filter((type) => type.name.startsWith('n8n-nodes-kling-i2v.'));
			expect(kling.map((type) => type.name).sort()).toEqual([
				'n8n-nodes-kling-i2v.klingImageToVideo',
				'n8n-nodes-kling-i2v.klingImageToVideoTool',
			]);
			for (const icon of Object.values(kling[0].iconUrl ?? {})) {
				const response = await fetch(url(`/${icon}`), { headers: { cookie } });
				expect(response.status).toBe(200);
				expect(response.headers.get('content-type')).toContain('image/svg+xml');
			}
		});

		it('"Test" in each simulator credential succeeds, and fails with a wrong key', async () => {
			const { data } = (await call('GET', '/rest/credentials')) as unknown as {
				data: Array<{ id: string; name: string; type: string }>;
			};
			const simulatorCredentials = data.filter((credential) =>
				credential.name.startsWith('Simulator ('),
			);
			expect(simulatorCredentials.map((credential) => credential.type).sort()).toEqual([
				'aimlApi',
				'falQueueApi',
				'gmiCloudApi',
				'highwayApi',
				'klingApi',
				'myRouterApi',
				'novitaApi',
			]);
			for (const { id, name, type } of simulatorCredentials) {
				// As the credential dialog does: the stored data (secrets masked), sent back to be tested.
				const stored = (await call('GET', `/rest/credentials/${id}?includeData=true`)).data
					.data as Record<string, string>;
				const test = async (data: Record<string, string>) =>
					(await call('POST', '/rest/credentials/test', { credentials: { id, name, type, data } }))
						.data;
				expect({ name, ...(await test(stored)) }).toEqual({
					name,
					status: 'OK',
					message: 'Connection successful!',
				});
				expect({ name, ...(await test({ ...stored, apiKey: 'dummy-wrong-key' })) }).toMatchObject({
					name,
					status: 'Error',
				});
				if (type !== 'klingApi') continue;
				// The same credential with Kling's key pair: the installed credential signs the test's token.
				const keyPair = { ...stored, authType: 'accessKey', ...DEFAULT_KEY_PAIR };
				expect({ name, ...(await test(keyPair)) }).toEqual({
					name,
					status: 'OK',
					message: 'Connection successful!',
				});
				expect({ name, ...(await test({ ...keyPair, secretKey: 'dummy-wrong' })) }).toMatchObject({
					name,
					status: 'Error',
					message: expect.stringMatching(/^Kling AI refused the key\./),
				});
			}
		});

		it('runs an example workflow, as "Execute workflow" in the editor does', async () => {
			const started = await call('POST', '/rest/workflows/klingExampleFromUrl/run', {
				triggerToStartFrom: { name: 'When clicking ‘Execute workflow’' },
			});
			const executionId = String(started.data.executionId);

			let execution: Record<string, unknown> = {};
			for (
				let attempt = 0;
				attempt < 240 && !['success', 'error', 'crashed'].includes(String(execution.status));
				attempt++
			) {
				await sleep(500);
				execution = (await call('GET', `/rest/executions/${executionId}`)).data;
			}
			expect(execution.status).toBe('success');
			// The run data (flatted JSON) holds the node's output: a finished task with its video.
			expect(String(execution.data)).toContain('"succeeded"');
			expect(String(execution.data)).toContain('"video/mp4"');
		});
	});

	it('lets the CLI run a workflow on the same data while n8n is running', async () => {
		const cliScript = path.join(devFolder, 'n8n');
		expect(output).toContain(cliScript);
		const result = await runCommand(
			cliScript,
			['execute', '--id=klingExampleTwoStep', '--rawOutput'],
			{ cwd: devFolder },
		).then((stdout) => ({ exitCode: 0, signal: null, stdout, stderr: '', durationMs: 0 }));
		const run = parseExecution(result);
		expect(run.status).toBe('success');
		const videos = run.items('Wait for Videos');
		expect(videos).toHaveLength(2);
		for (const item of videos) expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4' });
	});

	it('stops n8n and the simulators on Ctrl-C', async () => {
		process.kill(-dev.pid!, 'SIGINT'); // what a terminal sends to the foreground process group
		const deadline = Date.now() + 60_000;
		while (alive(n8nPid) && Date.now() < deadline) await sleep(250);
		expect(alive(n8nPid)).toBe(false);
		await expect(fetch(url('/healthz'))).rejects.toThrow();
		expect(existsSync(path.join(devFolder, 'n8n.pid'))).toBe(false);
	});
});
