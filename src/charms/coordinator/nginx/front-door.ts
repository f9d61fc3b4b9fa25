/**
 * The coordinator's front door as a `CoordinatorIntegration`: after the cluster decision, open the
 * front-door ports on the unit, render nginx.conf from the same cluster view and receivers the
 * workers were given, and bring the `nginx` container in line (push what changed, reload).
 *
 * Everything here is best effort for the hook: the relation data is already decided and is written
 * whatever nginx does, and a container that is not reachable yet (before `nginx-pebble-ready`, or
 * while the pod restarts) is a Waiting status; the pebble-ready hook reconciles again.
 */
import type { Model } from "../../../juju/model.js";
import { PebbleConnectionError } from "../../../juju/pebble.js";
import { observeFile } from "../../../juju/pebble-sync.js";
import type { CoordinatorIntegration, CoordinatorOutcome, TlsMaterial } from "../integrations.js";
import { PRIVATE_KEY_CONTENT_KEY, readPrivateKey } from "../integrations/tls-private-key.js";
import { ENDPOINTS, NGINX_CONTAINER } from "../meta.js";
import type { Problem } from "../status.js";
import { nginxLayer } from "./layer.js";
import { renderNginxConfig } from "./nginx-config.js";
import { RESOLV_CONF_PATH, resolverFromResolvConf } from "./resolv-conf.js";
import { frontDoorRoutes } from "./routes.js";
import { FRONT_DOOR_TLS_KEY, decodeSharedFrontDoorTls, encodeSharedFrontDoorTls } from "./shared-tls.js";
import { nginxFiles, type FrontDoorTlsFiles } from "./workload-files.js";
import { planNginx } from "./workload-plan.js";
import { applyNginxActions, observeNginx } from "./workload-sync.js";

export const frontDoorIntegration: CoordinatorIntegration = {
  name: "front-door",
  gather: () => ({}),
  apply: syncFrontDoor,
};

export const NGINX_UNREACHABLE: Problem = {
  severity: "waiting",
  message: "waiting for the nginx container (front door): Pebble is not reachable yet",
};

async function syncFrontDoor(model: Model, outcome: CoordinatorOutcome): Promise<readonly Problem[]> {
  const routes = frontDoorRoutes(outcome.cluster, outcome.enabledReceivers);
  // Juju's open-port on Kubernetes puts these on the application's Service, which is what makes
  // `<app>.<model>.svc.cluster.local:<port>` reach nginx.
  model.setPorts(routes.map((route) => ({ protocol: "tcp" as const, port: route.port })));

  if (outcome.isLeader) shareTlsMaterial(model, outcome.tls);
  const pebble = model.containerIfAvailable(NGINX_CONTAINER);
  if (pebble === undefined) return [NGINX_UNREACHABLE];
  try {
    const resolvConf = await observeFile(pebble, RESOLV_CONF_PATH);
    const resolver = resolverFromResolvConf(resolvConf?.content ?? "");
    if (resolver.kind !== "valid") {
      const why = resolver.kind === "invalid" ? resolver.reasons.join(", ") : `${RESOLV_CONF_PATH} names no nameserver`;
      return [{ severity: "blocked", message: `front door: nginx cannot resolve worker names: ${why}` }];
    }
    const material = frontDoorTlsMaterial(model, outcome);
    const tls = tlsFiles(model, material);
    if (tls.kind === "unavailable") return [{ severity: "waiting", message: `front door: ${tls.reason}` }];
    const config = renderNginxConfig({
      routes,
      resolver: resolver.data,
      ...(material ? { tls: { serverName: material.serverName } } : {}),
    });
    const observed = await observeNginx(pebble);
    const actions = planNginx(observed, {
      files: nginxFiles(config, tls.kind === "on" ? tls.files : undefined),
      layer: nginxLayer(),
    });
    if (actions.service !== "none") model.log("INFO", `nginx: ${actions.service} (${actions.reasons.join(", ")})`);
    const applied = await applyNginxActions(pebble, actions);
    if (applied.kind === "failed") {
      model.log("WARNING", `front door: ${applied.reason}`);
      return [{ severity: "blocked", message: `front door: ${applied.reason} (see juju debug-log; the next hook retries)` }];
    }
    return [];
  } catch (error) {
    // The container went away mid-hook (pod restarting): nginx-pebble-ready finishes the job.
    if (error instanceof PebbleConnectionError) return [NGINX_UNREACHABLE];
    throw error;
  }
}


type TlsFiles =
  | { readonly kind: "off" }
  | { readonly kind: "on"; readonly files: FrontDoorTlsFiles }
  | { readonly kind: "unavailable"; readonly reason: string };

/** The leader tells the other units what TLS this hook runs with (shared-tls.ts); only changed bytes are written. */
function shareTlsMaterial(model: Model, tls: TlsMaterial | undefined): void {
  const peers = model.relations(ENDPOINTS.peers)[0];
  if (!peers) return;
  const bag = peers.localAppData();
  const wanted = tls ? encodeSharedFrontDoorTls(tls) : undefined;
  const current = bag.get(FRONT_DOOR_TLS_KEY);
  if (wanted !== undefined && wanted !== current) bag.update({ [FRONT_DOOR_TLS_KEY]: wanted });
  if (wanted === undefined && current !== undefined) bag.update({ [FRONT_DOOR_TLS_KEY]: "" });
}

/** The TLS this unit's nginx serves with: the leader's own, or what the leader shared. */
function frontDoorTlsMaterial(model: Model, outcome: CoordinatorOutcome): TlsMaterial | undefined {
  if (outcome.isLeader) return outcome.tls;
  // Without a certificates relation there is no TLS to share: the peer bag is not even read.
  if (model.relations(ENDPOINTS.certificates).length === 0) return undefined;
  const shared = decodeSharedFrontDoorTls(model.relations(ENDPOINTS.peers)[0]?.localAppData().get(FRONT_DOOR_TLS_KEY));
  if (shared.kind === "invalid") model.log("WARNING", `front door: ignoring the leader's TLS state: ${shared.reasons.join(", ")}`);
  return shared.kind === "valid" ? shared.data : undefined;
}

/**
 * The certificate, key and CA nginx serves with: the same certificate the workers present, so
 * clients verify the front door under the coordinator's service name, which the certificate
 * covers (tls-request.ts). The key is the application's secret (tls-private-key.ts), which the
 * leader has looked up already and any other unit of the application reads by id.
 */
function tlsFiles(model: Model, tls: TlsMaterial | undefined): TlsFiles {
  if (tls === undefined) return { kind: "off" };
  const privateKey = model.isLeader() ? leaderPrivateKey(model, tls.privkeySecretId) : sharedPrivateKey(model, tls.privkeySecretId);
  if (privateKey === undefined) return { kind: "unavailable", reason: "the certificate's private key is not readable yet" };
  return { kind: "on", files: { serverCert: tls.serverCert, privateKey, caCert: tls.caCert } };
}

function leaderPrivateKey(model: Model, secretId: string): string | undefined {
  const key = readPrivateKey(model);
  return key.kind === "found" && key.secretId === secretId ? key.pem : undefined;
}

function sharedPrivateKey(model: Model, secretId: string): string | undefined {
  const lookup = model.secrets.get({ id: secretId });
  const pem = lookup.kind === "found" ? lookup.content[PRIVATE_KEY_CONTENT_KEY] : undefined;
  return pem === undefined || pem === "" ? undefined : pem;
}
