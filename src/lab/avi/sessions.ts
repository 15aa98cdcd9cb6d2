import { randomBytes } from "node:crypto";

export interface Session {
  id: string;
  csrf: string;
  username: string;
  lastUsed: number;
}

const LOCK_AFTER = 3;
const LOCK_MS = 30 * 60_000;

/** Login sessions, idle expiry and the account lockout after repeated failures. */
export class Sessions {
  private sessions = new Map<string, Session>();
  private failures = new Map<string, { count: number; lockedUntil: number }>();
  readonly tokens = new Set<string>();

  constructor(
    private readonly username: string,
    private readonly password: string,
    private idleMs: number,
  ) {}

  /** Returns the new session, or an error text for a 401. */
  login(user: string, password?: string, token?: string): Session | string {
    const f = this.failures.get(user);
    if (f && f.lockedUntil > Date.now()) return "User account is locked; try again later or contact the administrator.";
    const ok =
      user === this.username && ((password !== undefined && password === this.password) || (token !== undefined && this.tokens.has(token)));
    if (!ok) {
      const count = (f?.count ?? 0) + 1;
      this.failures.set(user, { count, lockedUntil: count >= LOCK_AFTER ? Date.now() + LOCK_MS : 0 });
      return "Invalid credentials";
    }
    this.failures.delete(user);
    const s = { id: randomBytes(16).toString("hex"), csrf: randomBytes(16).toString("hex"), username: user, lastUsed: Date.now() };
    this.sessions.set(s.id, s);
    return s;
  }

  /** The live session for a cookie, refreshing its idle timer. */
  touch(id: string | undefined): Session | undefined {
    const s = id ? this.sessions.get(id) : undefined;
    if (!s) return undefined;
    if (Date.now() - s.lastUsed > this.idleMs) {
      this.sessions.delete(s.id);
      return undefined;
    }
    s.lastUsed = Date.now();
    return s;
  }

  logout(id: string): void {
    this.sessions.delete(id);
  }

  expireAll(): void {
    this.sessions.clear();
  }

  /** For tests that prove no session secret leaks into output. */
  all(): Session[] {
    return [...this.sessions.values()];
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}
