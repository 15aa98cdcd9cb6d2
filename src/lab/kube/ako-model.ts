import type { InfraSettingModel, IngressModel, L4ServiceModel } from "../ako-dataplane.js";
import type { ResourceType } from "./resources.js";
import type { KubeObject, KubeStore } from "./store.js";

type ServicePort = { name?: string; port: number; targetPort?: number | string; protocol?: string };
type Condition = { type: string; status: string };
type IngressBackend = { service?: { name?: string; port?: { number?: number; name?: string } } };

const AKO_CONTROLLER = "ako.vmware.com/avi-lb";
const INFRA_ANNOTATION = "aviinfrasetting.ako.vmware.com/name";

/**
 * What AKO's informers see, reduced to what the data plane needs: Services of type LoadBalancer and
 * Ingresses of AKO's classes, each with the ready pod addresses of its endpoints and its AviInfraSetting.
 */
export class AkoModel {
  constructor(private readonly store: KubeStore) {}

  private type(group: string, plural: string): ResourceType | undefined {
    return this.store.preferred(group, plural);
  }

  services(): L4ServiceModel[] {
    return this.store.list(this.type("", "services")!).flatMap((s) => this.service(s) ?? []);
  }

  /** A Service as AKO's L4 model, or undefined when it is not of type LoadBalancer. */
  service(s: KubeObject): L4ServiceModel | undefined {
    if ((s.spec as { type?: string } | undefined)?.type !== "LoadBalancer") return undefined;
    const ready = this.ready(s);
    const ports = ((s.spec?.ports as ServicePort[] | undefined) ?? []).map((p) => ({
      port: p.port,
      targetPort: this.targetPort(p, ready),
      protocol: p.protocol ?? "TCP",
    }));
    return {
      namespace: s.metadata.namespace!,
      name: s.metadata.name!,
      ports,
      servers: ready.map((p) => p.status!.podIP as string),
      infraSetting: this.infra(s.metadata.annotations?.[INFRA_ANNOTATION]),
    };
  }

  ingresses(): IngressModel[] {
    const classes = this.classes();
    return this.store.list(this.type("networking.k8s.io", "ingresses")!).flatMap((ing) => this.ingress(ing, classes) ?? []);
  }

  /** The IngressClasses, read once for a batch of ingress() calls. */
  classes(): KubeObject[] {
    return this.store.list(this.type("networking.k8s.io", "ingressclasses")!);
  }

  /** The Services an Ingress's paths name, "ns/name". */
  static backends(ing: KubeObject): string[] {
    const rules = ((ing.spec as { rules?: { http?: { paths?: { backend?: IngressBackend }[] } }[] } | undefined)?.rules ?? []).flatMap(
      (r) => r.http?.paths ?? [],
    );
    return rules.flatMap((p) => (p.backend?.service?.name ? [`${ing.metadata.namespace}/${p.backend.service.name}`] : []));
  }

  /** An Ingress as AKO's model, or undefined when it is not of AKO's classes. */
  ingress(ing: KubeObject, classes: KubeObject[]): IngressModel | undefined {
    const ours = classes.filter((c) => (c.spec as { controller?: string } | undefined)?.controller === AKO_CONTROLLER);
    const fallback = ours.find((c) => c.metadata.annotations?.["ingressclass.kubernetes.io/is-default-class"] === "true");
    const ns = ing.metadata.namespace!;
    const spec = (ing.spec ?? {}) as {
      ingressClassName?: string;
      rules?: { host?: string; http?: { paths?: { path?: string; backend?: IngressBackend }[] } }[];
    };
    // No class: AKO takes it when it is the default controller (no other default class exists).
    const cls = spec.ingressClassName ? classes.find((c) => c.metadata.name === spec.ingressClassName) : fallback;
    if (
      spec.ingressClassName
        ? !ours.includes(cls!)
        : classes.some((c) => c.metadata.annotations?.["ingressclass.kubernetes.io/is-default-class"] === "true" && !ours.includes(c))
    )
      return undefined;
    const params = (cls?.spec as { parameters?: { kind?: string; name?: string } } | undefined)?.parameters;
    const paths = (spec.rules ?? []).flatMap((r) =>
      (r.http?.paths ?? []).flatMap((p) => {
        const svc = p.backend?.service?.name ? this.store.get(this.type("", "services")!, ns, p.backend.service.name) : undefined;
        const port = ((svc?.spec?.ports as ServicePort[] | undefined) ?? []).find(
          (sp) => sp.port === p.backend?.service?.port?.number || (sp.name !== undefined && sp.name === p.backend?.service?.port?.name),
        );
        if (!r.host) return [];
        const ready = svc && port ? this.ready(svc) : [];
        return [
          {
            host: r.host,
            path: p.path ?? "/",
            targetPort: svc && port ? this.targetPort(port, ready) : 80,
            servers: ready.map((x) => x.status!.podIP as string),
          },
        ];
      }),
    );
    return {
      namespace: ns,
      name: ing.metadata.name!,
      paths,
      infraSetting: params?.kind === "AviInfraSetting" ? this.infra(params.name) : undefined,
    };
  }

  /** The Running, Ready pods the Service selects (its endpoints). */
  private ready(svc: KubeObject): KubeObject[] {
    const selector = (svc.spec?.selector as Record<string, string> | undefined) ?? {};
    if (Object.keys(selector).length === 0) return [];
    return this.store.list(this.type("", "pods")!, svc.metadata.namespace, (p) => {
      const labels = p.metadata.labels ?? {};
      const ready =
        p.status?.phase === "Running" &&
        ((p.status.conditions as Condition[] | undefined) ?? []).some((c) => c.type === "Ready" && c.status === "True");
      return (
        ready && !p.metadata.deletionTimestamp && Boolean(p.status?.podIP) && Object.entries(selector).every(([k, v]) => labels[k] === v)
      );
    });
  }

  /** A named targetPort resolves to the container port of that name; an absent one is the port itself. */
  private targetPort(p: ServicePort, ready: KubeObject[]): number {
    if (typeof p.targetPort === "number") return p.targetPort;
    if (typeof p.targetPort === "string" && /^\d+$/.test(p.targetPort)) return Number(p.targetPort);
    if (typeof p.targetPort === "string") {
      for (const pod of ready) {
        for (const c of (pod.spec?.containers as { ports?: { name?: string; containerPort: number }[] }[] | undefined) ?? []) {
          const hit = c.ports?.find((cp) => cp.name === p.targetPort);
          if (hit) return hit.containerPort;
        }
      }
    }
    return p.port;
  }

  private infra(name: string | undefined): InfraSettingModel | undefined {
    const t = name ? this.type("ako.vmware.com", "aviinfrasettings") : undefined;
    const o = t ? this.store.get(t, undefined, name!) : undefined;
    if (!o) return undefined;
    const spec = (o.spec ?? {}) as {
      seGroup?: { name?: string };
      network?: { names?: string[]; vipNetworks?: { networkName?: string }[] };
      l7Settings?: { shardSize?: string };
    };
    const networks = spec.network?.vipNetworks?.map((n) => n.networkName).filter((n): n is string => Boolean(n)) ?? spec.network?.names;
    return {
      name: o.metadata.name!,
      seGroup: spec.seGroup?.name,
      networks: networks?.length ? networks : undefined,
      shardSize: spec.l7Settings?.shardSize,
    };
  }
}
