/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * `npm run demo`: builds the package, installs it into a real n8n (2.40.7, cached after the first
 * run) and turns examples/assets/sample.png into a video through the node.
 *
 * By default the provider is a local simulator (no key, no cost). With a key it is the real thing:
 *   KLING_PROVIDER=novita KLING_API_KEY=... npm run demo
 * Optional: KLING_BASE_URL, KLING_ORGANIZATION_ID (GMI Cloud), KLING_ACCESS_KEY and
 * KLING_SECRET_KEY (the official Kling API's key pair, instead of KLING_API_KEY), KLING_MODEL
 * (v2.1|v2.5-turbo|v2.6|v3.0|o1, as the provider offers them), KLING_PROMPT, KLING_MODE and
 * KLING_DURATION (as the model offers them; default its default tier and 5 s), KLING_IMAGE (a
 * JPEG/PNG path), KLING_OUTPUT_DIR (default .output/demo).
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { AimlApi } from '../credentials/AimlApi.credentials';
import { FalQueueApi } from '../credentials/FalQueueApi.credentials';
import { GmiCloudApi } from '../credentials/GmiCloudApi.credentials';
import { HighwayApi } from '../credentials/HighwayApi.credentials';
import { KlingApi } from '../credentials/KlingApi.credentials';
import { MyRouterApi } from '../credentials/MyRouterApi.credentials';
import { NovitaApi } from '../credentials/NovitaApi.credentials';
import { PROVIDERS } from '../nodes/KlingImageToVideo/providers';
import { startSimulator, type Simulator } from '../tools/simulators';
import { ensureN8nInstalled } from '../tools/n8n/installN8n';
import { N8nCli, type CredentialImport, type RunItem } from '../tools/n8n/n8nCli';
import { buildAndPack, installPackage, REPO_ROOT } from '../tools/n8n/packageInstall';
import {
	chainWorkflow,
	CREDENTIAL_TYPES,
	klingNode,
	manualTrigger,
	PROVIDER_IDS,
	PROVIDER_NAMES,
	readFilesNode,
	writeFileNode,
	type ProviderId,
} from '../tools/n8n/workflows';

const DEFAULT_PROMPT =
	'The sun sinks slowly behind the mountains while gentle ripples cross the lake and the pine trees sway in a light breeze';

const DEFAULT_BASE_URLS: Record<ProviderId, string> = {
	novita: baseUrlOf(new NovitaApi().properties),
	myRouter: baseUrlOf(new MyRouterApi().properties),
	highwayApi: baseUrlOf(new HighwayApi().properties),
	aimlApi: baseUrlOf(new AimlApi().properties),
	gmiCloud: baseUrlOf(new GmiCloudApi().properties),
	kling: baseUrlOf(new KlingApi().properties),
	fal: baseUrlOf(new FalQueueApi().properties),
};

function baseUrlOf(properties: Array<{ name: string; default?: unknown }>): string {
	return String(properties.find((property) => property.name === 'baseUrl')?.default ?? '');
}

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const step = (text: string) => console.log(`\n▶ ${text}`);
const info = (text: string) => console.log(`  ${text}`);

class DemoError extends Error {}

function settings() {
	const env = process.env;
	const apiKey = env.KLING_API_KEY?.trim() ?? '';
	const accessKey = env.KLING_ACCESS_KEY?.trim() ?? '';
	const secretKey = env.KLING_SECRET_KEY?.trim() ?? '';
	const provider = (env.KLING_PROVIDER?.trim() || 'novita') as ProviderId;
	if (!PROVIDER_IDS.includes(provider)) {
		throw new DemoError(
			`KLING_PROVIDER must be one of ${PROVIDER_IDS.join(', ')}, not "${provider}"`,
		);
	}
	const keyPair = provider === 'kling' && !apiKey && accessKey !== '' && secretKey !== '';
	if (!apiKey && !keyPair && env.KLING_PROVIDER && env.KLING_BASE_URL) {
		throw new DemoError(
			'KLING_BASE_URL is set but KLING_API_KEY is not: give the key to use a real provider',
		);
	}
	// Model, tier and length as this provider's own model table offers them.
	const { offers, displayName } = PROVIDERS[provider];
	const model = env.KLING_MODEL?.trim() || 'v2.1';
	const offer = offers.find((candidate) => candidate.model === model);
	if (!offer) {
		throw new DemoError(
			`KLING_MODEL must be one of ${offers.map((o) => o.model).join(', ')} at ${displayName}, not "${model}"`,
		);
	}
	const mode = env.KLING_MODE?.trim() || offer.defaultMode;
	if (!(offer.modes as readonly string[]).includes(mode))
		throw new DemoError(
			`KLING_MODE must be one of ${offer.modes.join(', ')} for ${model} at ${displayName}, not "${mode}"`,
		);
	const duration = env.KLING_DURATION?.trim() || '5';
	if (!offer.durations.map(String).includes(duration))
		throw new DemoError(
			`KLING_DURATION must be one of ${offer.durations.join(', ')} for ${model} at ${displayName}, not "${duration}"`,
		);
	return {
		provider,
		apiKey,
		keyPair: keyPair ? { accessKey, secretKey } : undefined,
		real: apiKey !== '' || keyPair,
		model,
		baseUrl: env.KLING_BASE_URL?.trim() || DEFAULT_BASE_URLS[provider],
		organizationId: env.KLING_ORGANIZATION_ID?.trim() ?? '',
		prompt: env.KLING_PROMPT?.trim() || DEFAULT_PROMPT,
		mode,
		duration,
		image: path.resolve(
			env.KLING_IMAGE?.trim() || path.join(REPO_ROOT, 'examples', 'assets', 'sample.png'),
		),
		outputDir: path.resolve(
			env.KLING_OUTPUT_DIR?.trim() || path.join(REPO_ROOT, '.output', 'demo'),
		),
	};
}

async function main(): Promise<number> {
	const config = settings();
	const providerName = PROVIDER_NAMES[config.provider];
	console.log(
		config.real
			? `Kling image-to-video demo with ${providerName} at ${config.baseUrl} (real provider: this creates a paid task)`
			: `Kling image-to-video demo against a local ${providerName} simulator (no key, no cost; set KLING_PROVIDER and KLING_API_KEY for a real provider)`,
	);

	const workDir = mkdtempSync(path.join(tmpdir(), 'kling-demo-'));
	let simulator: Simulator | undefined;
	let cli: N8nCli | undefined;
	let heartbeat: NodeJS.Timeout | undefined;
	const cleanUp = async () => {
		if (heartbeat) clearInterval(heartbeat);
		await cli?.close();
		await simulator?.close();
		rmSync(workDir, { recursive: true, force: true });
	};
	const onSignal = () => {
		console.log('\nStopping…');
		void cleanUp().then(() => process.exit(130));
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);

	try {
		step('Building and packing the package (npm run build, npm pack)');
		const tarball = await buildAndPack(path.join(workDir, 'pack'));
		info(`${path.basename(tarball)} (${elapsed()})`);

		step(
			'Preparing n8n 2.40.7 on Node 24 (installed once into the cache; the first time takes about 5 minutes)',
		);
		const install = await ensureN8nInstalled({ log: info });
		info(`${install.dir} (${elapsed()})`);

		step('Installing the package into a fresh n8n user folder, as n8n installs community packages');
		const userFolder = path.join(workDir, 'n8n');
		mkdirSync(userFolder);
		await installPackage(userFolder, tarball);
		mkdirSync(config.outputDir, { recursive: true });
		const imageDir = path.dirname(realpathSync(config.image));
		const outputDir = realpathSync(config.outputDir);
		cli = new N8nCli(install, userFolder, {
			N8N_RESTRICT_FILE_ACCESS_TO: `${imageDir};${outputDir}`,
		});
		info(`${userFolder} (${elapsed()})`);

		let credentialData: Record<string, string>;
		if (config.real) {
			credentialData = config.keyPair
				? { authType: 'accessKey', ...config.keyPair, baseUrl: config.baseUrl }
				: { apiKey: config.apiKey, baseUrl: config.baseUrl };
		} else {
			step(`Starting the ${providerName} simulator`);
			simulator = await startSimulator({
				provider: config.provider,
				apiKey: 'dummy-demo-key',
				latency: { meanMs: 8000 },
				videoBytes: 256 * 1024,
			});
			credentialData = { apiKey: simulator.apiKey, baseUrl: simulator.baseUrl };
			info(
				`${simulator.baseUrl} (videos from ${simulator.videoHostUrl}, ready about 8 s after submission)`,
			);
		}
		if (config.provider === 'gmiCloud') credentialData.organizationId = config.organizationId;
		const credential: CredentialImport = {
			id: 'klingDemoCredential',
			name: `${providerName} (demo)`,
			type: CREDENTIAL_TYPES[config.provider],
			data: credentialData,
		};

		step('Importing the credential and the demo workflow into n8n');
		await cli.importCredentials([credential]);
		const workflow = chainWorkflow('klingDemo', 'Kling demo: image file → video file', [
			manualTrigger(),
			readFilesNode('Read Image', realpathSync(config.image)),
			klingNode(
				'Animate Image',
				{
					provider: config.provider,
					operation: 'generate',
					imageSource: 'binary',
					binaryPropertyName: 'data',
					model: config.model,
					prompt: config.prompt,
					mode: config.mode,
					duration: config.duration,
				},
				{ type: credential.type, id: credential.id, name: credential.name },
			),
			writeFileNode('Save Video', `=${outputDir}/{{ $json.taskId }}.mp4`),
		]);
		await cli.importWorkflows([workflow]);
		info(
			`Manual Trigger → Read Image (${path.relative(REPO_ROOT, config.image) || config.image}) → Animate Image (${providerName}, Kling ${config.model}, ${config.mode}, ${config.duration} s) → Save Video (${elapsed()})`,
		);

		step(
			'Running the workflow: n8n execute (n8n starts in ~10 s; a real provider then takes about 1 to 6 minutes)',
		);
		const runStarted = Date.now();
		heartbeat = setInterval(
			() => {
				const task = simulator?.tasks[0];
				const status = task ? `, simulator task ${task.id}: ${task.status}` : '';
				info(`… still running (${Math.round((Date.now() - runStarted) / 1000)} s${status})`);
			},
			config.real ? 30_000 : 5_000,
		);
		const run = await cli.execute(workflow.id!, { timeoutMs: 30 * 60_000 });
		clearInterval(heartbeat);
		heartbeat = undefined;

		if (run.status !== 'success') {
			const error =
				run.nodeError('Animate Image') ??
				run.nodeError('Read Image') ??
				run.nodeError('Save Video') ??
				run.error;
			console.error(
				`\n✖ The workflow failed after ${elapsed()}: ${error?.message ?? 'no error message'}`,
			);
			if (error?.description) console.error(`  ${error.description}`);
			return 1;
		}

		const [item] = run.items('Animate Image') as RunItem[];
		const [saved] = run.items('Save Video') as RunItem[];
		step('Output item of "Animate Image" (json; the video is in binary field "data")');
		console.log(
			JSON.stringify(
				{ json: item.json, binary: { data: { ...item.binary?.data, data: undefined } } },
				null,
				2,
			),
		);
		console.log(
			`\n✔ Video written to ${String(saved.json.fileName)} (${item.binary?.data?.fileSize ?? '?'}, ${elapsed()} in all)`,
		);
		if (!config.real)
			info(
				'This video came from the simulator (placeholder bytes). Set KLING_PROVIDER and KLING_API_KEY for a real one.',
			);
		return 0;
	} finally {
		await cleanUp();
	}
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		console.error(
			`\n✖ ${error instanceof DemoError ? '' : 'Demo failed: '}${error instanceof Error ? error.message : String(error)}`,
		);
		process.exitCode = 1;
	},
);
