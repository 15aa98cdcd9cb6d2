import { UsageError } from "../../base/errors.js";

/** A Kubernetes object name that is also a DNS label (RFC 1123): what Services and namespaces need. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** --namespace, default "default", refused unless a DNS label. */
export function namespaceFlag(text: string | undefined): string {
  const namespace = text ?? "default";
  if (!DNS_LABEL.test(namespace)) throw new UsageError(`namespace "${namespace}" is not a valid name`);
  return namespace;
}

/** An integer flag within [lo, hi]; undefined when not given. */
export function intFlag(text: string | undefined, flag: string, lo: number, hi: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < lo || Number(text) > hi)
    throw new UsageError(`${flag} must be an integer from ${lo} to ${hi}, not "${text}"`);
  return Number(text);
}
