/**
 * The coordinator's front door, one hook at a time in the harness: what the `nginx` container holds
 * and runs after each event, and what the coordinator still does when nginx is not there.
 */
import { describe, expect, it } from "vitest";
import { coordinatorCharm } from "../../../src/charms/coordinator/charm.js";
import { ALWAYS_ENABLE_OPTIONS } from "../../../src/charms/coordinator/config-options.js";
import { NGINX_CONFIG_PATH, NGINX_RELOAD_PENDING_PATH } from "../../../src/charms/coordinator/nginx/paths.js";
import { renderNginxConfig } from "../../../src/charms/coordinator/nginx/nginx-config.js";
import { frontDoorRoutes } from "../../../src/charms/coordinator/nginx/routes.js";
import { parseCluster } from "../../../src/interface/provider.js";
import {
  type State,
  type StateInput,
  on,
  peerRelation,
  run,
} from "../../../src/testing/index.js";
import { CLUSTER_DNS, MODEL, MODEL_UUID, nginxContainer, workerRelation } from "./fixtures.js";
import { distributed, s3, workers } from "./tracing-fixtures.js";

/** The option that always enables Zipkin, by whatever name the charm ships it. */
const ALWAYS_ENABLE_ZIPKIN = Object.entries(ALWAYS_ENABLE_OPTIONS).find(([, protocol]) => protocol === "zipkin")![0];


function coordinatorState(overrides: Partial<StateInput> = {}): StateInput {
  return {
    leader: true,
    appName: "tempo",
    model: { name: MODEL, uuid: MODEL_UUID },
    containers: [nginxContainer()],
    relations: [...distributed(), s3(), peerRelation({ id: 99, endpoint: "peers" })],
    ...overrides,
  };
}

function nginxOf(state: State) {
  const container = state.containers.find((candidate) => candidate.name === "nginx");
  if (!container) throw new Error("the state has no nginx container");
  return container;
}

function fileOf(state: State, path: string): string | undefined {
  return nginxOf(state).files.find((file) => file.path === path)?.content;
}

const reloads = (state: State) => nginxOf(state).execJournal.filter((record) => record.command.join(" ") === "nginx -s reload");

/** The config the renderer gives for these worker relations with the default receiver (OTLP HTTP). */
function expectedConfig(relations: ReturnType<typeof workerRelation>[]): string {
  return renderNginxConfig({ routes: frontDoorRoutes(parseCluster({ relations }), ["otlp_http"]), resolver: CLUSTER_DNS });
}

function withIngesters(state: State, units: readonly number[]): State {
  const replacement = workers(3, "tempo-ingester", "ingester", units);
  return {
    ...state,
    relations: state.relations.map((existing) =>
      existing.id === 3 && existing.kind === "regular" ? { ...replacement, localAppData: existing.localAppData, localUnitData: existing.localUnitData } : existing,
    ),
  };
}

describe("the coordinator's front door", () => {
  it("on nginx-pebble-ready writes the rendered nginx.conf, adds the nginx layer and starts nginx", async () => {
    const result = await run(coordinatorCharm, on.pebbleReady("nginx"), coordinatorState());
    const nginx = nginxOf(result.state);
    const relations = [
      workerRelation(1, "tempo-compactor", "compactor", 1),
      workerRelation(2, "tempo-distributor", "distributor", 1),
      workerRelation(3, "tempo-ingester", "ingester", 3),
      workerRelation(4, "tempo-querier", "querier", 1),
      workerRelation(5, "tempo-query-frontend", "query-frontend", 1),
    ];
    expect(fileOf(result.state, NGINX_CONFIG_PATH)).toBe(expectedConfig(relations));
    expect(nginx.layers.map((layer) => layer.label)).toEqual(["nginx"]);
    expect(nginx.services.nginx?.current).toBe("active");
    expect(reloads(result.state)).toEqual([]);
    expect(result.state.unitStatus).toEqual({ status: "active", message: "7 workers in 5 applications" });
  });

  it("opens the front-door ports: Tempo's API and gRPC, and each enabled receiver", async () => {
    const result = await run(coordinatorCharm, on.configChanged(), coordinatorState({ config: { [ALWAYS_ENABLE_ZIPKIN]: true } }));
    expect(result.state.openedPorts).toEqual([3200, 4318, 9096, 9411].map((port) => ({ protocol: "tcp", port })));
  });

  it("touches nothing in the container when nothing changed", async () => {
    const first = await run(coordinatorCharm, on.pebbleReady("nginx"), coordinatorState());
    const again = await run(coordinatorCharm, on.updateStatus(), first.state);
    expect(nginxOf(again.state)).toEqual(nginxOf(first.state));
  });

  it("reloads nginx, without restarting it, when a worker unit joins", async () => {
    const first = await run(coordinatorCharm, on.pebbleReady("nginx"), coordinatorState());
    const joined = await run(coordinatorCharm, on.relationJoined({ id: 3 }, { remoteUnit: 3 }), withIngesters(first.state, [0, 1, 2, 3]));
    // Ingesters are not behind the front door: nothing to route, nothing to reload.
    expect(reloads(joined.state)).toEqual([]);

    const distributors = workers(2, "tempo-distributor", "distributor", [0, 1]);
    const scaled: State = {
      ...joined.state,
      relations: joined.state.relations.map((existing) =>
        existing.id === 2 && existing.kind === "regular" ? { ...distributors, localAppData: existing.localAppData, localUnitData: existing.localUnitData } : existing,
      ),
    };
    const result = await run(coordinatorCharm, on.relationJoined({ id: 2 }, { remoteUnit: 1 }), scaled);
    expect(fileOf(result.state, NGINX_CONFIG_PATH)).toContain("tempo-distributor-1.tempo-distributor-endpoints.cos.svc.cluster.local:4318;");
    expect(reloads(result.state)).toHaveLength(1);
    expect(nginxOf(result.state).journal.filter((entry) => entry.action === "restart")).toEqual([]);
    expect(fileOf(result.state, NGINX_RELOAD_PENDING_PATH)).toBeUndefined();
  });

  it("publishes to the workers and waits when the nginx container is not reachable, without failing the hook", async () => {
    const result = await run(coordinatorCharm, on.configChanged(), coordinatorState({ containers: [nginxContainer({ canConnect: false })] }));
    expect(result.state.relations.find((candidate) => candidate.id === 1)?.localAppData.worker_config).toBeDefined();
    expect(result.state.unitStatus).toEqual({
      status: "waiting",
      message: "waiting for the nginx container (front door): Pebble is not reachable yet",
    });
  });

  it("says what nginx answered when a reload fails, keeps the marker, and reloads again on the next hook", async () => {
    const first = await run(coordinatorCharm, on.pebbleReady("nginx"), coordinatorState());
    const failing = {
      ...first.state,
      config: { [ALWAYS_ENABLE_ZIPKIN]: true },
      containers: first.state.containers.map((container) =>
        container.name === "nginx"
          ? { ...container, execs: [{ command: ["nginx", "-s", "reload"], exitCode: 1, stderr: 'nginx: [emerg] unknown directive "x"\n' }] }
          : container,
      ),
    };
    const failed = await run(coordinatorCharm, on.configChanged(), failing);
    expect(failed.state.unitStatus.status).toBe("blocked");
    expect(failed.state.unitStatus.message).toContain('front door: nginx failed (exit 1): nginx: [emerg] unknown directive "x"');
    expect(fileOf(failed.state, NGINX_RELOAD_PENDING_PATH)).toBeDefined();

    const fixed = {
      ...failed.state,
      containers: failed.state.containers.map((container) => (container.name === "nginx" ? { ...container, execs: [{ command: ["nginx", "-s", "reload"] }] } : container)),
    };
    const retried = await run(coordinatorCharm, on.updateStatus(), fixed);
    expect(reloads(retried.state).length).toBe(reloads(failed.state).length + 1);
    expect(fileOf(retried.state, NGINX_RELOAD_PENDING_PATH)).toBeUndefined();
    expect(retried.state.unitStatus.status).toBe("active");
  });

  it("names the problem when the pod's resolv.conf has no nameserver", async () => {
    const result = await run(coordinatorCharm, on.pebbleReady("nginx"), coordinatorState({ containers: [nginxContainer({ files: [] })] }));
    expect(result.state.unitStatus).toEqual({
      status: "blocked",
      message: "front door: nginx cannot resolve worker names: /etc/resolv.conf names no nameserver",
    });
    expect(fileOf(result.state, NGINX_CONFIG_PATH)).toBeUndefined();
  });
});
