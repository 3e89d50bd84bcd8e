/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * Gives n8n a private user folder before any n8n-core module is loaded: n8n reads
 * N8N_USER_FOLDER to place its settings file and storage. Import this module first.
 * One folder per test file (jest loads modules afresh for each file); removed after the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const harnessUserFolder = mkdtempSync(path.join(tmpdir(), 'n8n-engine-harness-'));
process.env.N8N_USER_FOLDER = harnessUserFolder;
// n8n writes a settings file (with a generated encryption key) here on first use; skip its chmod check.
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'false';

export const binaryStoreFolder = path.join(harnessUserFolder, 'binary-data');

function removeUserFolder() {
	rmSync(harnessUserFolder, { recursive: true, force: true });
}

// jest globals exist when loaded from a test file; plain scripts (tsx) clean up on exit.
if (typeof afterAll === 'function') {
	afterAll(removeUserFolder);
} else {
	process.once('exit', removeUserFolder);
}
