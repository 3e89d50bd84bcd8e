/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * The one place the test tooling starts OS processes (npm, and the n8n under test), so that the
 * community-node rule against spawning processes is lifted in this file only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants, setPriority } from 'node:os';

/** The npm executable of this platform. */
export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Starts a process with piped output; `detached` gives it its own process group (to stop its children too). */
export function startProcess(
	command: string,
	args: string[],
	options: { cwd: string; env?: NodeJS.ProcessEnv; detached?: boolean },
): ChildProcess {
	return spawn(command, args, {
		cwd: options.cwd,
		env: options.env ?? process.env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: options.detached ?? false,
	});
}

/**
 * Runs a command to completion and returns its stdout; rejects with the tail of its output on a
 * non-zero exit or after `timeoutMs`. `onLine` sees every output line as it comes (progress).
 */
export function runCommand(
	command: string,
	args: string[],
	options: {
		cwd: string;
		env?: NodeJS.ProcessEnv;
		timeoutMs?: number;
		onLine?: (line: string) => void;
		/** Run at the lowest CPU priority (its children inherit it): work that tests run beside. */
		background?: boolean;
	},
): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = startProcess(command, args, options);
		if (options.background && child.pid !== undefined) {
			try {
				setPriority(child.pid, constants.priority.PRIORITY_LOW);
			} catch {
				// not permitted here: it runs at normal priority
			}
		}
		let stdout = '';
		let tail = '';
		const collect = (isStdout: boolean) => (chunk: Buffer) => {
			const text = chunk.toString('utf8');
			if (isStdout) stdout += text;
			tail = (tail + text).slice(-6000);
			if (options.onLine)
				for (const line of text.split('\n')) if (line.trim()) options.onLine(line.trimEnd());
		};
		child.stdout!.on('data', collect(true));
		child.stderr!.on('data', collect(false));
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15 * 60_000);
		child.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			if (code === 0) resolve(stdout);
			else
				reject(
					new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail}`),
				);
		});
	});
}
