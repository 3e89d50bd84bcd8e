/** Three layers: pure logic, the node inside n8n's engine, and the packed package in a real n8n. */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json' }];

const project = (name, testTimeout) => ({
	displayName: name,
	testEnvironment: 'node',
	roots: [`<rootDir>/test/${name}`],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': tsJest },
	testTimeout,
});

module.exports = {
	projects: [project('unit', 10_000), project('engine', 60_000), project('e2e', 600_000)],
};
