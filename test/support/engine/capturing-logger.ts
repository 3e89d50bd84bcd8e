/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * Stands in for n8n's logger (both the DI Logger behind `this.logger` in nodes and n8n-workflow's
 * LoggerProxy used by the engine) and turns every call into one string per line, so tests can
 * assert on what n8n would have written to its log, and search it for secrets.
 */
import type { Logger, LogMetadata } from 'n8n-workflow';
import { inspect } from 'node:util';

type LogLevel = keyof Logger;

/** Receives lines while a run is active; several runs may listen at once. */
export type LogLineListener = (line: string) => void;

export class CapturingLogger implements Logger {
	private readonly listeners = new Set<LogLineListener>();

	/** Every line since the logger was installed, for logs written outside any run. */
	readonly allLines: string[] = [];

	listen(listener: LogLineListener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	error(message: string, metadata?: LogMetadata) {
		this.record('error', message, metadata);
	}

	warn(message: string, metadata?: LogMetadata) {
		this.record('warn', message, metadata);
	}

	info(message: string, metadata?: LogMetadata) {
		this.record('info', message, metadata);
	}

	debug(message: string, metadata?: LogMetadata) {
		this.record('debug', message, metadata);
	}

	/** n8n services ask for a scoped child logger; scopes only filter output in n8n, so share this one. */
	scoped() {
		return this;
	}

	private record(level: LogLevel, message: string, metadata?: LogMetadata) {
		// inspect (not JSON) so error objects show message, stack and every own field.
		const details =
			metadata === undefined || Object.keys(metadata).length === 0
				? ''
				: ' ' + inspect(metadata, { depth: 8, breakLength: Infinity, maxStringLength: null });
		const line = `${level}: ${message}${details}`;
		this.allLines.push(line);
		for (const listener of this.listeners) listener(line);
	}
}
