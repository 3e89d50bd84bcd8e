/** Per-layer test timeouts (jest reads `testTimeout` only globally): real engines and real n8n take time. */
const testPath = expect.getState().testPath ?? '';
const layer = /[\\/]test[\\/](unit|engine|e2e)[\\/]/.exec(testPath)?.[1];
jest.setTimeout({ unit: 10_000, engine: 60_000, e2e: 600_000 }[layer ?? 'unit'] ?? 10_000);
