import { ProviderSimulator } from './simulator';

/** The key pair a Kling simulator accepts by default (tokens signed with the secret key for the access key). */
export { DEFAULT_KEY_PAIR } from './simulator';
import type { Simulator, SimulatorOptions } from './types';

export type {
	FaultAction,
	FaultContext,
	FaultKind,
	FaultRule,
	LatencyOption,
	ProviderId,
	RecordedRequest,
	RequestForms,
	RequestKind,
	ResponseShapes,
	ServerName,
	Simulator,
	SimulatorOptions,
	TaskOutcome,
	TaskSelector,
	TaskStatus,
} from './types';
export type { SimTask } from './tasks';
export type { CallbackEvent, CallbackOptions, CallbackRecord } from './callbacks';
export type { RandomFaultsOptions } from './faults';
/** FaultPlan is the type of `simulator.faults`; randomFaults builds a reproducible mix; DEFAULT_RANDOM_FAULTS is its menu. */
export { DEFAULT_RANDOM_FAULTS, FaultPlan, randomFaults } from './faults';
/** Fixtures: the exact bytes a download must yield, and an image that passes the providers' checks. */
export { expectedVideoBytes, makeTestPng } from './video';
export { DEFAULT_MP4_FACTS, makeMp4, type Mp4Facts, type Mp4Layout } from './mp4';

/** Starts one provider's simulator (API, video host and a foreign origin on 127.0.0.1); close() it when done. */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
	const simulator = new ProviderSimulator(options);
	await simulator.start();
	return simulator;
}
