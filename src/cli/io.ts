import type { Chalk, ChalkInstance } from "chalk";
import type { Ora } from "ora";

let ChalkClass: typeof Chalk | undefined;

/** Load chalk once; until then (e.g. for --help) every colour is plain text. */
export async function loadColour(): Promise<void> {
  ChalkClass ??= (await import("chalk")).Chalk;
}

// Identity stand-in for chalk: any chain of styles returns the text unchanged.
const plain: ChalkInstance = new Proxy(((s: unknown) => String(s)) as unknown as ChalkInstance, {
  get: (_t, prop) => (prop === "level" ? 0 : plain),
  apply: (_t, _this, args: unknown[]) => args.map(String).join(" "),
});

function makeChalk(level: 0 | 1 | 2 | 3): ChalkInstance {
  return ChalkClass && level > 0 ? new ChalkClass({ level }) : plain;
}

/** A status line on stderr: an ora spinner on a terminal, plain lines otherwise. */
export interface Spinner {
  text(label: string): void;
  /** Print a finished line above the spinner (or plainly). */
  log(line: string): void;
  /** Print a result line on stdout without garbling the spinner. */
  out(line: string): void;
  succeed(label?: string): void;
  fail(label?: string): void;
  stop(): void;
}

export interface Io {
  out(text: string): void;
  /** stdout for streamed output: resolves when the text is accepted, so a slow reader bounds memory. */
  write(text: string): Promise<void>;
  err(text: string): void;
  readonly stdoutTTY: boolean;
  readonly stderrTTY: boolean;
  /** True when an interactive prompt is possible (stdin and stderr are terminals, not CI). */
  readonly canPrompt: boolean;
  /** Colours for stdout / stderr; level 0 when off. */
  readonly color: ChalkInstance;
  readonly errColor: ChalkInstance;
  readonly width: number;
  spinner(label: string): Spinner;
  /** Semantic markers that stay readable without colour. */
  ok(s: string): string;
  warn(s: string): string;
  fail(s: string): string;
  dim(s: string): string;
}

export interface IoOptions {
  noColor?: boolean;
}

/** The real terminal. The only place in src/ that touches process.stdout / stderr. */
export function processIo(opts: IoOptions = {}): Io {
  const env = process.env;
  const ci = Boolean(env.CI);
  const level = (tty: boolean) => colourLevel(tty, opts.noColor ?? false, env);
  const color = makeChalk(level(Boolean(process.stdout.isTTY)));
  const errColor = makeChalk(level(Boolean(process.stderr.isTTY)));
  const io: Io = {
    out: (t) => void process.stdout.write(t),
    write: (t) => (process.stdout.write(t) ? Promise.resolve() : drained(process.stdout)),
    err: (t) => void process.stderr.write(t),
    stdoutTTY: Boolean(process.stdout.isTTY),
    stderrTTY: Boolean(process.stderr.isTTY),
    canPrompt: Boolean(process.stdin.isTTY && process.stderr.isTTY) && !ci,
    color,
    errColor,
    width: process.stdout.columns ?? 100,
    spinner: (label) => (process.stderr.isTTY && !ci ? oraSpinner(label, io) : lineSpinner(label, io)),
    ...markers(color),
  };
  return io;
}

/** Resolves when the stream drains; rejects when it fails instead (a reader gone away never drains). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed) return Promise.reject(Object.assign(new Error("stdout is closed"), { code: "EPIPE" }));
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      stream.off("drain", done);
      stream.off("error", done);
      stream.off("close", closed);
      if (err) reject(err);
      else resolve();
    };
    const closed = () => done(Object.assign(new Error("stdout is closed"), { code: "EPIPE" }));
    stream.once("drain", done);
    stream.once("error", done);
    stream.once("close", closed);
  });
}

/** String-buffer Io for tests: `forTest({tty: true})` acts like a terminal with colour off. */
export function testIo(o: { tty?: boolean; canPrompt?: boolean } = {}): Io & { stdout: () => string; stderr: () => string } {
  let out = "";
  let err = "";
  const color = makeChalk(0);
  const io = {
    out: (t: string) => void (out += t),
    write: (t: string) => Promise.resolve(void (out += t)),
    err: (t: string) => void (err += t),
    stdoutTTY: o.tty ?? false,
    stderrTTY: o.tty ?? false,
    canPrompt: o.canPrompt ?? false,
    color,
    errColor: color,
    width: 120,
    spinner: (label: string) => lineSpinner(label, io),
    stdout: () => out,
    stderr: () => err,
    ...markers(color),
  };
  return io;
}

export function colourLevel(tty: boolean, noColor: boolean, env: NodeJS.ProcessEnv): 0 | 1 | 2 | 3 {
  if (noColor || "NO_COLOR" in env) return 0;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR === "0" ? 0 : 1;
  return tty ? 1 : 0;
}

function markers(c: ChalkInstance) {
  return {
    ok: (s: string) => c.green(`✓ ${s}`),
    warn: (s: string) => c.yellow(`! ${s}`),
    fail: (s: string) => c.red(`✗ ${s}`),
    dim: (s: string) => c.dim(s),
  };
}

function lineSpinner(label: string, io: Io): Spinner {
  let current = label;
  return {
    text: (l) => {
      current = l;
      io.err(`${l}\n`);
    },
    log: (line) => io.err(`${line}\n`),
    out: (line) => io.out(`${line}\n`),
    succeed: (l) => io.err(`${io.ok(l ?? current)}\n`),
    fail: (l) => io.err(`${io.fail(l ?? current)}\n`),
    stop: () => undefined,
  };
}

/** ora is loaded only when a spinner is really shown on a terminal. */
function oraSpinner(label: string, io: Io): Spinner {
  let spinner: Ora | undefined;
  let current = label;
  const ready = import("ora").then(({ default: ora }) => {
    spinner = ora({ text: current, stream: process.stderr }).start();
  });
  const withSpinner = (f: (s: Ora) => void, fallback: () => void) => (spinner ? f(spinner) : fallback());
  return {
    text: (l) => {
      current = l;
      withSpinner(
        (s) => void (s.text = l),
        () => undefined,
      );
    },
    log: (line) =>
      withSpinner(
        (s) => {
          s.clear();
          io.err(`${line}\n`);
          s.render();
        },
        () => io.err(`${line}\n`),
      ),
    out: (line) =>
      withSpinner(
        (s) => {
          s.clear();
          io.out(`${line}\n`);
          s.render();
        },
        () => io.out(`${line}\n`),
      ),
    succeed: (l) => void ready.then(() => spinner?.succeed(l ?? current)),
    fail: (l) => void ready.then(() => spinner?.fail(l ?? current)),
    stop: () => void ready.then(() => spinner?.stop()),
  };
}
