/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * A lock between processes (jest workers, `npm run demo` next to a test run): a directory, since
 * mkdir either creates it or fails. The owner's pid inside lets a lock left by a killed process be taken over.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Runs `work` while holding the lock directory `lockDir`, waiting for other holders first. */
export async function withLock<T>(
	lockDir: string,
	work: () => Promise<T>,
	options: { log?: (line: string) => void; what?: string; staleMs?: number } = {},
): Promise<T> {
	const staleMs = options.staleMs ?? 60 * 60_000;
	let announced = false;
	for (;;) {
		let failure: NodeJS.ErrnoException | undefined;
		try {
			mkdirSync(lockDir);
		} catch (error) {
			failure = error as NodeJS.ErrnoException;
		}
		if (!failure) break;
		if (failure.code !== 'EEXIST') throw failure;

		const ageMs =
			Date.now() - (statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
		let ownerPid = NaN;
		try {
			ownerPid = Number(readFileSync(path.join(lockDir, 'pid'), 'utf8'));
		} catch {
			// the owner has not written its pid yet (or just released the lock)
		}
		const ownerGone =
			Number.isInteger(ownerPid) && ownerPid > 0 ? !processAlive(ownerPid) : ageMs > 10_000;
		if (ownerGone || ageMs > staleMs) {
			options.log?.(`removing a stale lock ${lockDir}`);
			rmSync(lockDir, { recursive: true, force: true });
			continue;
		}
		if (!announced && options.log) {
			options.log(
				`waiting for another process (pid ${ownerPid || '?'}) ${options.what ?? 'holding the lock'}`,
			);
			announced = true;
		}
		await sleep(500);
	}
	writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
	try {
		return await work();
	} finally {
		rmSync(lockDir, { recursive: true, force: true });
	}
}
