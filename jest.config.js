/** Three layers: pure logic, the node inside n8n's engine, and the packed package in a real n8n. */
// Transpile only: `npm run typecheck` (part of `npm test`) checks the types, once for the whole tree.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.jest.json' }];

const project = (name) => ({
	displayName: name,
	testEnvironment: 'node',
	roots: [`<rootDir>/test/${name}`],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': tsJest },
	setupFilesAfterEnv: ['<rootDir>/test/support/jestTimeouts.ts'],
});

module.exports = {
	testSequencer: '<rootDir>/test/support/e2eLastSequencer.js',
	projects: [
		project('unit'),
		project('engine'),
		// Starts installing the n8n releases of the e2e suites (all at once) before any test runs.
		{ ...project('e2e'), globalSetup: '<rootDir>/test/e2e/support/globalSetup.ts' },
	],
};
