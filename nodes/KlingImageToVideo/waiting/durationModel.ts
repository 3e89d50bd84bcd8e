import { LEGACY_DEFAULT_MODEL } from '../models/catalogue';
import type { KlingModel, VideoMode } from '../providers';

/**
 * How long a task of a given model, mode and length is expected to take, learned during one run
 * from the tasks that finished and from the providers' eta hints, with published figures as the
 * fallback.
 */

export interface DurationEstimate {
	lowMs: number;
	/** The most likely duration. */
	expectedMs: number;
	highMs: number;
	source: 'finished' | 'eta' | 'prior';
}

/** What decides how long a task takes; unknown parts (a task id typed in by hand) stay unset. */
export interface TaskClass {
	model?: KlingModel;
	mode?: VideoMode;
	/** Seconds of video. */
	duration?: number;
}

/** The published seconds to make a 5 s video in a mode, where the provider gives them. */
export type PublishedSeconds = (taskClass: TaskClass) => number | undefined;

/**
 * Without a published figure: AI/ML API's 3–4 minutes for a 5 s Kling 2.1 video (6–8 for 10 s),
 * with pro and master slower. The bounds around a prior are wide, so a rough figure is enough.
 */
const FALLBACK_SECONDS_FOR_5S_VIDEO: Record<VideoMode, number> = {
	standard: 210,
	professional: 270,
	master: 330,
	'4k': 390,
};
const PRIOR_LOW_FACTOR = 0.4;
const PRIOR_HIGH_FACTOR = 2.5;

/** Until the run has seen how good the provider's eta is, assume it is within 12% of the time left. */
const DEFAULT_ETA_RELATIVE_ERROR = 0.12;
const ETA_ERROR_SAMPLES_NEEDED = 5;
const ETA_ERROR_BOUNDS = [0.03, 0.5] as const;

/** Tasks of one class are expected to take alike; a 3 s 3.0 clip and a 10 s 2.1 Master are not alike. */
export function durationClassOf({ model, mode, duration }: TaskClass): string {
	return mode && duration ? `${model ?? LEGACY_DEFAULT_MODEL}/${mode}/${duration}` : 'unknown';
}

function parseClass(durationClass: string): TaskClass {
	const [model, mode, duration] = durationClass.split('/');
	if (!mode) return {};
	return { model: model as KlingModel, mode: mode as VideoMode, duration: Number(duration) };
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

export class DurationModel {
	constructor(private readonly publishedSeconds: PublishedSeconds = () => undefined) {}

	private readonly finished = new Map<string, number[]>();
	private readonly etaTotals = new Map<string, number[]>();
	private readonly etaErrors: number[] = [];
	// Every task asks on every plan, and plans are remade for all tasks whenever the model learns:
	// compute once per lesson, not once per question.
	private readonly estimates = new Map<string, DurationEstimate>();
	private etaError?: number;

	/** A task whose submission time we know finished after `durationMs`. */
	recordFinished(durationClass: string, durationMs: number): void {
		this.samples(this.finished, durationClass).push(durationMs);
		this.estimates.delete(durationClass);
	}

	/** A provider's eta implied that a task whose submission time we know will take `totalMs`. */
	recordEtaTotal(durationClass: string, totalMs: number): void {
		this.samples(this.etaTotals, durationClass).push(totalMs);
		this.estimates.delete(durationClass);
	}

	/** How far off one eta turned out, relative to the time it said was left. */
	recordEtaError(relativeError: number): void {
		this.etaErrors.push(relativeError);
		this.etaError = undefined;
	}

	/** The error to expect from the provider's eta: what this run has seen (90th percentile), or a default. */
	etaRelativeError(): number {
		return (this.etaError ??= this.computeEtaRelativeError());
	}

	estimate(durationClass: string): DurationEstimate {
		let estimate = this.estimates.get(durationClass);
		if (!estimate)
			this.estimates.set(durationClass, (estimate = this.computeEstimate(durationClass)));
		return estimate;
	}

	private computeEtaRelativeError(): number {
		if (this.etaErrors.length < ETA_ERROR_SAMPLES_NEEDED) return DEFAULT_ETA_RELATIVE_ERROR;
		const sorted = [...this.etaErrors].sort((a, b) => a - b);
		const p90 = sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)];
		return Math.min(ETA_ERROR_BOUNDS[1], Math.max(ETA_ERROR_BOUNDS[0], p90));
	}

	private computeEstimate(durationClass: string): DurationEstimate {
		const finished = this.finished.get(durationClass) ?? [];
		if (finished.length > 0) {
			// Tasks still running are the slower ones; a few samples say little about the spread.
			const middle = median(finished);
			return {
				lowMs: Math.min(...finished, middle * 0.7) * 0.9,
				expectedMs: middle,
				highMs: Math.max(Math.max(...finished) * 1.15, middle * 1.4),
				source: 'finished',
			};
		}
		const etaTotals = this.etaTotals.get(durationClass) ?? [];
		if (etaTotals.length > 0) {
			const middle = median(etaTotals);
			return {
				lowMs: Math.min(...etaTotals, middle * 0.7) * 0.85,
				expectedMs: middle,
				highMs: Math.max(Math.max(...etaTotals) * 1.2, middle * 1.4),
				source: 'eta',
			};
		}
		const prior = this.priorMs(durationClass);
		return {
			lowMs: prior * PRIOR_LOW_FACTOR,
			expectedMs: prior,
			highMs: prior * PRIOR_HIGH_FACTOR,
			source: 'prior',
		};
	}

	/** A 5 s video's published (or fallback) time, scaled to the video's length. */
	private priorMs(durationClass: string): number {
		const taskClass = parseClass(durationClass);
		const seconds =
			this.publishedSeconds(taskClass) ??
			FALLBACK_SECONDS_FOR_5S_VIDEO[taskClass.mode ?? 'standard'] ??
			FALLBACK_SECONDS_FOR_5S_VIDEO.standard;
		return seconds * ((taskClass.duration ?? 5) / 5) * 1000;
	}

	private samples(map: Map<string, number[]>, key: string): number[] {
		let values = map.get(key);
		if (!values) map.set(key, (values = []));
		return values;
	}
}
