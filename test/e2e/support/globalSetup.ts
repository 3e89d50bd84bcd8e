/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * Jest's global setup of the end-to-end project: starts installing every n8n the suites run that is
 * not cached yet, all at once, and returns without waiting. The downloads run side by side (and
 * beside the unit and engine tests); each suite then waits for the install it needs, under its lock.
 */
import {
	ALL_N8N_INSTALLS,
	ensureN8nTargetsInstalled,
	isN8nInstalled,
} from '../../../tools/n8n/installN8n';

export default function startMissingN8nInstalls(): void {
	const missing = ALL_N8N_INSTALLS.filter((target) => !isN8nInstalled(target));
	if (missing.length === 0) return;
	const log = (line: string) => process.stderr.write(`${line}\n`);
	log(
		`[n8n install] installing ${missing.map((target) => target.name).join(', ')} in the background`,
	);
	// A failure here is not lost: the suite that needs the install tries again and reports it.
	ensureN8nTargetsInstalled(missing, { log }).catch((error: unknown) =>
		log(`[n8n install] ${error instanceof Error ? error.message : String(error)}`),
	);
}
