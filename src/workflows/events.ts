/** How workflows report progress without printing: the CLI turns these into spinner text or stderr lines. */
export interface Events {
  step(name: string, detail?: Record<string, unknown>): void;
  progress(done: number, total?: number): void;
  warn(message: string): void;
  info(message: string): void;
}

/** Events that go nowhere, for callers that do not care (and tests that don't inspect them). */
export const silentEvents: Events = {
  step() {},
  progress() {},
  warn() {},
  info() {},
};
