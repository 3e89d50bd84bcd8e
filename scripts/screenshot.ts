/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- developer tooling runs in plain Node, outside n8n's sandbox */
/**
 * `npm run screenshot`: the README's pictures of the node, taken in the real n8n editor.
 *
 * It starts what `npm run dev` starts (scripts/dev.ts: the built package in n8n 2.40.7, the provider
 * simulators, the "Simulator (...)" credentials and the example workflows) in a throwaway user
 * folder, creates the owner account through the REST API, signs in with headless Chromium, runs
 * the example "Kling: a 9:16 clip with sound from a product photo" once and writes
 *   docs/images/workflow.png         the workflow on the canvas after the run (green success marks);
 *   docs/images/node-parameters.png  "Make Vertical Clip" opened: its parameters (model, sound, aspect
 *                                    ratio...), the input image and the output item's JSON.
 * Everything it started (n8n, the simulators, Chromium) stops at the end, also on failure or Ctrl-C,
 * and the user folder is removed.
 *
 * Needs Debian's Chromium (`apt-get install -y chromium`, /usr/bin/chromium). playwright-core is not a
 * dependency of this repository: it is installed once into
 * `${KLING_N8N_CACHE:-~/.cache/n8n-nodes-kling-i2v}/playwright-core` and loaded from there.
 *
 * Environment: KLING_SCREENSHOT_PORT (default 5690, away from `npm run dev`'s 5678),
 * KLING_SCREENSHOT_SCALE (device scale factor, default 2: 2880×1800 pixels, sharp on high-density screens), CHROMIUM_PATH (default /usr/bin/chromium).
 */
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { cacheRoot } from '../tools/n8n/installN8n';
import { withLock } from '../tools/n8n/lock';
import { REPO_ROOT } from '../tools/n8n/packageInstall';
import { NPM, runCommand } from '../tools/n8n/processes';
import { DevEnvironment } from './dev';

/** The playwright-core release used to drive Chromium (only its API: it never downloads a browser). */
const PLAYWRIGHT_VERSION = '1.64.1';
const VIEWPORT = { width: 1440, height: 900 };
/** The example the pictures show, and its nodes. */
const WORKFLOW_ID = 'klingExampleVertical';
const MANUAL_TRIGGER = 'When clicking ‘Execute workflow’';
const KLING_NODE = 'Make Vertical Clip';
const LAST_NODE = 'Save Video';
/** A throwaway login, only ever in the temporary user folder. */
const OWNER = {
	email: 'screenshot@example.com',
	firstName: 'Kling',
	lastName: 'Screenshots',
	password: 'Dummy-screenshot-pass-1',
};
/** The flags known to work for headless Debian Chromium here (no background traffic to Google's hosts). */
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
/** Above this a picture is too heavy for the README. */
const MAX_PNG_BYTES = 400 * 1024;

// The few parts of playwright-core's API used here (it is not installed in the repository, so not its types).
interface Locator {
	locator(selector: string): Locator;
	click(options?: { force?: boolean; timeout?: number }): Promise<void>;
	dblclick(options?: { timeout?: number }): Promise<void>;
	fill(value: string): Promise<void>;
	waitFor(options?: {
		state?: 'attached' | 'detached' | 'visible' | 'hidden';
		timeout?: number;
	}): Promise<void>;
	or(other: Locator): Locator;
	first(): Locator;
	all(): Promise<Locator[]>;
	count(): Promise<number>;
	innerText(): Promise<string>;
}
interface Page {
	goto(url: string): Promise<unknown>;
	locator(selector: string): Locator;
	waitForURL(predicate: (url: URL) => boolean): Promise<void>;
	waitForTimeout(ms: number): Promise<void>;
	setDefaultTimeout(ms: number): void;
	screenshot(options: { path: string; type: 'png' }): Promise<Buffer>;
	mouse: { move(x: number, y: number): Promise<void> };
}
interface Browser {
	newContext(options: {
		viewport: { width: number; height: number };
		deviceScaleFactor: number;
		colorScheme: 'light';
	}): Promise<{
		newPage(): Promise<Page>;
	}>;
	close(): Promise<void>;
}
interface PlaywrightCore {
	chromium: {
		launch(options: {
			executablePath: string;
			headless: boolean;
			args: string[];
			handleSIGINT: boolean;
			handleSIGTERM: boolean;
			handleSIGHUP: boolean;
		}): Promise<Browser>;
	};
}

const step = (text: string) => console.log(`▶ ${text}`);
const info = (text: string) => console.log(`  ${text}`);

/** playwright-core at the pinned version, installed into the cache folder (once) and loaded from there. */
async function loadPlaywright(): Promise<PlaywrightCore> {
	const dir = path.join(cacheRoot(), 'playwright-core');
	const installed = () => {
		const manifest = path.join(dir, 'node_modules', 'playwright-core', 'package.json');
		return (
			existsSync(manifest) &&
			(JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version ===
				PLAYWRIGHT_VERSION
		);
	};
	if (!installed()) {
		mkdirSync(cacheRoot(), { recursive: true });
		await withLock(`${dir}.lock`, async () => {
			if (installed()) return;
			info(`installing playwright-core ${PLAYWRIGHT_VERSION} into ${dir}`);
			mkdirSync(dir, { recursive: true });
			await runCommand(
				NPM,
				[
					'install',
					'--prefix',
					dir,
					'--save-exact',
					'--no-audit',
					'--no-fund',
					'--loglevel=error',
					`playwright-core@${PLAYWRIGHT_VERSION}`,
				],
				{ cwd: dir },
			);
			if (!installed())
				throw new Error(`playwright-core ${PLAYWRIGHT_VERSION} did not land in ${dir}`);
		});
	}
	return createRequire(path.join(dir, 'package.json'))('playwright-core') as PlaywrightCore;
}

/** Creates n8n's owner account as its setup page would (only while n8n still asks for one). */
async function setUpOwner(url: string): Promise<void> {
	const response = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(OWNER),
	});
	if (!response.ok)
		throw new Error(
			`owner setup failed: ${response.status} ${(await response.text()).slice(0, 300)}`,
		);
}

/** Closes n8n's toasts, moves the pointer off the nodes and waits for animations to settle. */
async function tidy(page: Page): Promise<void> {
	for (const close of await page.locator('.el-notification .el-notification__closeBtn').all())
		await close.click().catch(() => undefined);
	await page
		.locator('.el-notification')
		.first()
		.waitFor({ state: 'detached', timeout: 5000 })
		.catch(() => undefined);
	// Bottom right: empty canvas, or the backdrop beside the open node; no tooltip there.
	await page.mouse.move(VIEWPORT.width - 20, VIEWPORT.height - 120);
	await page.waitForTimeout(800);
}

/** Refuses a picture whose page shows a credential's secret (the simulator keys are placeholders, but still). */
async function assertNoSecrets(page: Page, secrets: string[]): Promise<void> {
	const text = await page.locator('body').innerText();
	const shown = secrets.filter((secret) => secret && text.includes(secret));
	if (shown.length) throw new Error('the page shows a credential secret; no picture taken');
}

/** Takes one picture into `folder` (docs/images/ gets both at the end, or neither). */
async function shoot(page: Page, folder: string, name: string, secrets: string[]): Promise<string> {
	await assertNoSecrets(page, secrets);
	const file = path.join(folder, name);
	await page.screenshot({ path: file, type: 'png' });
	const bytes = statSync(file).size;
	info(`${name} (${Math.round(bytes / 1024)} KB)`);
	if (bytes > MAX_PNG_BYTES) console.warn(`  warning: ${name} is over ${MAX_PNG_BYTES / 1024} KB`);
	return file;
}

async function main(): Promise<void> {
	const port = Number(process.env.KLING_SCREENSHOT_PORT || 5690);
	const scale = Number(process.env.KLING_SCREENSHOT_SCALE || 2);
	const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
	const imagesDir = path.join(REPO_ROOT, 'docs', 'images');
	const userFolder = mkdtempSync(path.join(tmpdir(), 'kling-screenshot-'));
	let browser: Browser | undefined;
	let dev: DevEnvironment | undefined;
	let cleaning: Promise<void> | undefined;
	let interrupted = false;

	const cleanUp = async () => {
		cleaning ??= (async () => {
			await browser?.close().catch(() => undefined);
			await dev?.stop().catch(() => undefined);
			rmSync(userFolder, { recursive: true, force: true });
		})();
		await cleaning;
	};
	const onSignal = (signal: NodeJS.Signals) => {
		interrupted = true;
		console.log(`\n${signal}: stopping Chromium, n8n and the simulators…`);
		void cleanUp().then(() => process.exit(130));
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);

	try {
		if (!existsSync(chromiumPath)) {
			throw new Error(
				`no Chromium at ${chromiumPath}: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH`,
			);
		}
		step(`Loading playwright-core ${PLAYWRIGHT_VERSION} (cached in ${cacheRoot()})`);
		const playwright = await loadPlaywright();

		dev = new DevEnvironment({
			port,
			devFolder: userFolder,
			latencyMs: 3000,
			log: { step, info },
			onN8nExit: (code) =>
				console.error(`n8n exited (${code}) while the pictures were being taken`),
		});
		const ready = await dev.start();
		const secrets = ready.credentials.map((credential) => credential.data.apiKey);
		if (ready.firstVisit) {
			step('Creating the owner account through the REST API');
			await setUpOwner(ready.url);
		}

		step(
			`Opening the editor in headless Chromium (${VIEWPORT.width}×${VIEWPORT.height}, scale ${scale})`,
		);
		browser = await playwright.chromium.launch({
			executablePath: chromiumPath,
			headless: true,
			args: CHROMIUM_ARGS,
			handleSIGINT: false,
			handleSIGTERM: false,
			handleSIGHUP: false,
		});
		const context = await browser.newContext({
			viewport: VIEWPORT,
			deviceScaleFactor: scale,
			colorScheme: 'light',
		});
		const page = await context.newPage();
		page.setDefaultTimeout(60_000);

		await page.goto(`${ready.url}/signin`);
		await page.locator('[data-test-id="emailOrLdapLoginId"] input').fill(OWNER.email);
		await page.locator('[data-test-id="password"] input').fill(OWNER.password);
		await page.locator('[data-test-id="form-submit-button"]').click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'));

		const workflow = ready.workflows.find((candidate) => candidate.id === WORKFLOW_ID);
		if (!workflow) throw new Error(`the example workflow ${WORKFLOW_ID} was not imported`);
		step(`Running "${workflow.name}" from the editor`);
		await page.goto(`${ready.url}/workflow/${WORKFLOW_ID}`);
		const node = (name: string) =>
			page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);
		await node(KLING_NODE).waitFor();
		await page.waitForTimeout(1000);
		// The trigger's own "Execute workflow" button (it shows on hover).
		await page
			.locator(`[data-test-id="execute-workflow-button-${MANUAL_TRIGGER}"]`)
			.click({ force: true });
		const succeeded = node(LAST_NODE).locator('[data-test-id="canvas-node-status-success"]');
		const failed = page.locator('[data-test-id="canvas-node-status-error"]');
		await succeeded.or(failed).first().waitFor({ timeout: 120_000 });
		if (await failed.count())
			throw new Error(`the workflow failed in the editor; see ${ready.logFile}`);

		step('Taking the pictures');
		await tidy(page);
		await page.locator('[data-test-id="zoom-to-fit"]').click();
		await tidy(page);
		const pictures = path.join(userFolder, 'pictures');
		mkdirSync(pictures, { recursive: true });
		const taken = [await shoot(page, pictures, 'workflow.png', secrets)];

		await node(KLING_NODE).dblclick();
		const ndv = page.locator('[data-test-id="ndv"]');
		await ndv.waitFor();
		await ndv
			.locator('[data-test-id="ndv-input-panel"] [data-test-id="radio-button-binary"]')
			.click();
		await ndv.locator('[data-test-id="output-panel"] [data-test-id="radio-button-json"]').click();
		await ndv
			.locator('[data-test-id="output-panel"] [data-test-id="node-run-status-success"]')
			.waitFor();
		await tidy(page);
		taken.push(await shoot(page, pictures, 'node-parameters.png', secrets));

		mkdirSync(imagesDir, { recursive: true });
		for (const file of taken) copyFileSync(file, path.join(imagesDir, path.basename(file)));
		console.log(
			`\n✔ Pictures written to ${path.relative(REPO_ROOT, imagesDir)}/: ${taken.map((file) => path.basename(file)).join(', ')}`,
		);
	} catch (error) {
		// After Ctrl-C, Chromium (in the same process group) is already gone: that error says nothing new.
		if (!interrupted)
			console.error(`\n✖ ${error instanceof Error ? error.message : String(error)}`);
		process.exitCode = 1;
	} finally {
		step('Stopping Chromium, n8n and the simulators');
		await cleanUp();
	}
	process.exit(process.exitCode ?? 0);
}

void main();
