/**
 * Jest's order, with the end-to-end files last: on a fresh machine the unit and engine tests then
 * run while the e2e suites' n8n releases install (started by test/e2e/support/globalSetup.ts).
 */
const Sequencer = require('@jest/test-sequencer').default;

const isE2e = (test) => test.context.config.displayName?.name === 'e2e';

class E2eLastSequencer extends Sequencer {
	sort(tests) {
		const sorted = super.sort(tests);
		return [...sorted.filter((test) => !isE2e(test)), ...sorted.filter(isE2e)];
	}
}

module.exports = E2eLastSequencer;
