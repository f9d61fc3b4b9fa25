import { describe, expect, it } from "vitest";
import { nginxLayer } from "../../../../src/charms/coordinator/nginx/layer.js";
import {
  NGINX_CONFIG_PATH,
  NGINX_RELOAD_PENDING_PATH,
  NGINX_SERVER_CERT_PATH,
  NGINX_SERVER_KEY_PATH,
  NGINX_CA_CERT_PATH,
} from "../../../../src/charms/coordinator/nginx/paths.js";
import { nginxFiles } from "../../../../src/charms/coordinator/nginx/workload-files.js";
import { planNginx, type ObservedNginx } from "../../../../src/charms/coordinator/nginx/workload-plan.js";
import type { Plan } from "../../../../src/juju/pebble.js";

const TLS = { serverCert: "CERT", privateKey: "KEY", caCert: "CA" };
const layer = nginxLayer();
const planWithNginx: Plan = { services: { ...layer.services }, checks: {}, "log-targets": {} };
const emptyPlan: Plan = { services: {}, checks: {}, "log-targets": {} };

function running(files: ReturnType<typeof nginxFiles>, extra: Record<string, string> = {}): ObservedNginx {
  const observed = new Map(files.map((file) => [file.path, { content: file.content, permissions: file.permissions }]));
  for (const [path, content] of Object.entries(extra)) observed.set(path, { content, permissions: 0o644 });
  return { files: observed, plan: planWithNginx, serviceState: "active" };
}

describe("planning the nginx container", () => {
  it("starts nginx on a fresh container, after writing its config and adding the layer", () => {
    const actions = planNginx({ files: new Map(), plan: emptyPlan, serviceState: "absent" }, { files: nginxFiles("conf", undefined), layer });
    expect(actions.pushes.map((file) => file.path)).toEqual([NGINX_CONFIG_PATH]);
    expect(actions.layer).toEqual(layer);
    expect(actions.service).toBe("start");
  });

  it("does nothing when the running nginx has what is wanted", () => {
    const files = nginxFiles("conf", TLS);
    expect(planNginx(running(files), { files, layer })).toEqual({ pushes: [], removals: [], layer: undefined, service: "none", reasons: [] });
  });

  it("reloads, never restarts, for a new config", () => {
    const actions = planNginx(running(nginxFiles("old", undefined)), { files: nginxFiles("new", undefined), layer });
    expect(actions.service).toBe("reload");
    expect(actions.reasons).toEqual([`${NGINX_CONFIG_PATH} changed`]);
  });

  it("pushes the certificates before the config that names them when TLS turns on", () => {
    const actions = planNginx(running(nginxFiles("plain", undefined)), { files: nginxFiles("tls", TLS), layer });
    expect(actions.pushes.map((file) => file.path)).toEqual([NGINX_CA_CERT_PATH, NGINX_SERVER_CERT_PATH, NGINX_SERVER_KEY_PATH, NGINX_CONFIG_PATH]);
    expect(actions.pushes.find((file) => file.path === NGINX_SERVER_KEY_PATH)?.permissions).toBe(0o600);
    expect(actions.service).toBe("reload");
  });

  it("removes the key and certificates when TLS turns off", () => {
    const actions = planNginx(running(nginxFiles("tls", TLS)), { files: nginxFiles("plain", undefined), layer });
    expect(actions.removals).toEqual([NGINX_CA_CERT_PATH, NGINX_SERVER_CERT_PATH, NGINX_SERVER_KEY_PATH]);
    expect(actions.service).toBe("reload");
  });

  it("fixes a key's mode without reloading: nginx reads the same bytes", () => {
    const wanted = nginxFiles("conf", TLS);
    const observed = running(wanted);
    const files = new Map(observed.files);
    files.set(NGINX_SERVER_KEY_PATH, { content: "KEY\n", permissions: 0o644 });
    const actions = planNginx({ ...observed, files }, { files: wanted, layer });
    expect(actions.pushes.map((file) => file.path)).toEqual([NGINX_SERVER_KEY_PATH]);
    expect(actions.service).toBe("none");
  });

  it("reloads again when an earlier hook left its reload marker", () => {
    const files = nginxFiles("conf", undefined);
    const actions = planNginx(running(files, { [NGINX_RELOAD_PENDING_PATH]: "x\n" }), { files, layer });
    expect(actions.service).toBe("reload");
    expect(actions.removals).toEqual([]);
  });

  it("restarts nginx only when its service definition changed", () => {
    const files = nginxFiles("conf", undefined);
    const observed = running(files);
    const stale: Plan = { ...planWithNginx, services: { nginx: { ...planWithNginx.services.nginx, command: "nginx" } } };
    expect(planNginx({ ...observed, plan: stale }, { files, layer }).service).toBe("restart");
  });
});
