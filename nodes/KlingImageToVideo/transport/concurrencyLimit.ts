/** Runs at most `limit` jobs at once, in arrival order: bounds submissions and downloads in flight. */
export class ConcurrencyLimit {
	private active = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(private readonly limit: number) {}

	async run<T>(job: () => Promise<T>): Promise<T> {
		if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
		this.active++;
		try {
			return await job();
		} finally {
			this.active--;
			this.waiting.shift()?.();
		}
	}
}
