/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * Reads n8n's SQLite database (`<user folder>/.n8n/database.sqlite`) with the sqlite3 module of the
 * pinned n8n itself (built for its Node 24), read-only, so tests can look at what n8n saved.
 */
import path from 'node:path';

import type { N8nInstall } from './installN8n';
import { runCommand } from './processes';

/** Opens the database read-only, runs one query with its parameters, prints the rows as JSON. */
const QUERY_SCRIPT = `
const [sqlite3Path, file, sql, params] = process.argv.slice(1);
const sqlite3 = require(sqlite3Path);
const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (openError) => {
	if (openError) { console.error(openError.message); process.exit(2); }
	db.all(sql, JSON.parse(params), (error, rows) => {
		if (error) { console.error(error.message); process.exit(3); }
		process.stdout.write(JSON.stringify(rows));
		db.close();
	});
});
`;

/** The n8n SQLite database file of a user folder. */
export function sqliteFileOf(userFolder: string): string {
	return path.join(userFolder, '.n8n', 'database.sqlite');
}

/** Runs `sql` against n8n's SQLite database and returns the rows. */
export async function querySqlite<Row = Record<string, unknown>>(
	install: N8nInstall,
	databaseFile: string,
	sql: string,
	params: unknown[] = [],
): Promise<Row[]> {
	const sqlite3 = path.join(install.dir, 'node_modules', 'sqlite3');
	const stdout = await runCommand(
		install.nodeBin,
		['-e', QUERY_SCRIPT, sqlite3, databaseFile, sql, JSON.stringify(params)],
		{
			cwd: install.dir,
			timeoutMs: 60_000,
		},
	);
	return JSON.parse(stdout) as Row[];
}
