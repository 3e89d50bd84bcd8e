/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * `npm run demo`, the README's main command, as a user runs it: once as is (local simulator), and
 * once "against a real provider" (a simulator this test starts, reached only through the
 * KLING_PROVIDER / KLING_API_KEY / KLING_BASE_URL settings).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expectedVideoBytes, startSimulator, type Simulator } from '../../tools/simulators';
import { REPO_ROOT } from '../../tools/n8n/packageInstall';
import { NPM, runCommand } from '../../tools/n8n/processes';

const SAMPLE_PNG = readFileSync(path.join(REPO_ROOT, 'examples', 'assets', 'sample.png'));

interface DemoRun {
	ok: boolean;
	output: string;
	outputDir: string;
}

/** Runs `npm run demo` with these settings (KLING_* from the outside are removed) and keeps what it printed. */
async function runDemo(env: Record<string, string>): Promise<DemoRun> {
	const outputDir = mkdtempSync(path.join(tmpdir(), 'kling-demo-test-'));
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(
			([name]) => !name.startsWith('KLING_') || name === 'KLING_N8N_CACHE',
		),
	);
	try {
		const output = await runCommand(NPM, ['run', '--silent', 'demo'], {
			cwd: REPO_ROOT,
			env: { ...inherited, ...env, KLING_OUTPUT_DIR: outputDir },
			timeoutMs: 20 * 60_000,
		});
		return { ok: true, output, outputDir };
	} catch (error) {
		return { ok: false, output: (error as Error).message, outputDir };
	}
}

/** The task id and the video path the demo reported. */
function reported(run: DemoRun): { taskId: string; videoPath: string } {
	const taskId = /"taskId": "([^"]+)"/.exec(run.output)?.[1];
	const videoPath = /Video written to (.+\.mp4) \(/.exec(run.output)?.[1];
	if (!run.ok || !taskId || !videoPath)
		throw new Error(`the demo did not report a video:\n${run.output.slice(-5000)}`);
	return { taskId, videoPath };
}

describe('npm run demo', () => {
	let realProvider: Simulator;
	let defaultRun: Promise<DemoRun>;
	let providerRun: Promise<DemoRun>;

	beforeAll(async () => {
		realProvider = await startSimulator({
			provider: 'aimlApi',
			apiKey: 'dummy-real-provider-key',
			latency: { meanMs: 500 },
			videoBytes: 77_777,
		});
		// Both at once: their builds take turns (a lock), the rest overlaps.
		defaultRun = runDemo({});
		providerRun = runDemo({
			KLING_PROVIDER: 'aimlApi',
			KLING_API_KEY: realProvider.apiKey,
			KLING_BASE_URL: realProvider.baseUrl,
			KLING_PROMPT: 'dummy prompt: the lake shimmers',
			KLING_MODEL: 'v3.0',
			KLING_MODE: 'professional',
		});
		await Promise.allSettled([defaultRun, providerRun]);
	}, 30 * 60_000);

	afterAll(async () => {
		await realProvider?.close();
		for (const run of await Promise.all([defaultRun, providerRun].filter(Boolean)))
			rmSync(run.outputDir, { recursive: true, force: true });
	});

	it('turns the sample image into a video file with the local simulator, no key needed', async () => {
		const run = await defaultRun;
		const { taskId, videoPath } = reported(run);
		expect(run.output).toContain('local Novita AI simulator');
		expect(run.output).toContain('"status": "succeeded"');
		expect(run.output).toContain('"mimeType": "video/mp4"');
		expect(path.dirname(videoPath)).toBe(run.outputDir);
		expect(path.basename(videoPath)).toBe(`${taskId}.mp4`);
		const video = readFileSync(videoPath);
		expect(video.subarray(4, 8).toString('latin1')).toBe('ftyp');
		expect(video.length).toBe(Number(/"bytes": (\d+)/.exec(run.output)?.[1]));
	});

	it('with KLING_PROVIDER and KLING_API_KEY goes to that provider, sending the image as binary', async () => {
		const run = await providerRun;
		const { taskId, videoPath } = reported(run);
		expect(run.output).toContain(`with AI/ML API at ${realProvider.baseUrl}`);
		expect(run.output).not.toMatch(/Starting the .* simulator/);

		expect(realProvider.submissions()).toBe(1);
		const task = realProvider.tasks[0];
		expect(task.id).toBe(taskId);
		expect(task.body).toMatchObject({
			image_url: `data:image/png;base64,${SAMPLE_PNG.toString('base64')}`,
			prompt: 'dummy prompt: the lake shimmers',
			model: 'klingai/video-v3-pro-image-to-video',
		});
		expect(existsSync(videoPath)).toBe(true);
		expect(readFileSync(videoPath).equals(expectedVideoBytes(77_777))).toBe(true);
	});
});
