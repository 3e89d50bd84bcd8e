/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * n8n-core keeps its services in the DI container of its *own* copy of @n8n/di, and resolves
 * its logger by the Logger class of its own @n8n/backend-common. The copies hoisted to the top of
 * node_modules are other versions (pulled in by @n8n/node-cli), with separate containers, so
 * a plain `import '@n8n/di'` would talk to a container the engine never reads.
 * Load both from n8n-core's own dependency tree instead.
 */
import path from 'node:path';

const n8nCoreFolder = path.dirname(require.resolve('n8n-core/package.json'));

function requireAsN8nCoreDoes<Module>(moduleName: string): Module {
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- resolution must start in n8n-core's folder
	return require(require.resolve(moduleName, { paths: [n8nCoreFolder] })) as Module;
}

type DiModule = typeof import('@n8n/di');
type BackendCommonModule = typeof import('@n8n/backend-common');
type DiToken = Parameters<DiModule['Container']['set']>[0];

export const { Container } = requireAsN8nCoreDoes<DiModule>('@n8n/di');

/** The class n8n-core uses as the DI token for `this.logger` in node contexts. */
export const N8nCoreLoggerToken = requireAsN8nCoreDoes<BackendCommonModule>('@n8n/backend-common')
	.Logger as unknown as DiToken;
