import type { LabState } from "./state.js";

/**
 * Every call avictl makes to a running lab's own admin endpoint goes through here, so how the lab
 * is reached (scheme, CA, token) is decided in one place.
 */
export async function labAdminRequest<T>(state: LabState, method: "GET" | "POST", path: string): Promise<{ status: number; body: T }> {
  if (!state.admin) throw new Error("this lab has no admin endpoint; restart it with a current avictl");
  const token = state.controllers[0]?.adminToken;
  const res = await fetch(`${state.admin}${path}`, {
    method,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}
