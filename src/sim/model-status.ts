/**
 * What `juju status` would show for a simulated model: applications and units with their
 * workload and agent statuses, leaders marked. Plain data, sorted in deployment order, for the
 * CLI to render as text or JSON.
 */
import type { StatusValue } from "../juju/backend.js";
import type { Simulator } from "./simulator.js";

export interface AppStatusRow {
  readonly app: string;
  readonly charm: string;
  /** The workload version the leader set (Juju shows the application's as its leader's). */
  readonly version: string;
  readonly units: number;
  readonly status: string;
  readonly message: string;
}

export interface UnitStatusRow {
  readonly unit: string;
  readonly app: string;
  readonly isLeader: boolean;
  readonly workload: string;
  readonly agent: string;
  readonly address: string;
  readonly message: string;
}

export interface ModelStatus {
  readonly model: string;
  readonly apps: readonly AppStatusRow[];
  readonly units: readonly UnitStatusRow[];
}

/**
 * When an application's leader never set an application status, Juju shows the most severe of
 * its units' statuses; this order is that severity, highest first.
 */
const SEVERITY = ["error", "blocked", "waiting", "maintenance", "active", "unknown"] as const;

export function modelStatus(sim: Simulator): ModelStatus {
  const units: UnitStatusRow[] = [];
  for (const unit of sim.unitsInOrder()) {
    const worldUnit = sim.world.units.get(unit)!;
    const agent = sim.agentStatus(unit)!;
    const isInError = agent.status === "error";
    units.push({
      unit,
      app: worldUnit.app,
      isLeader: sim.world.apps.get(worldUnit.app)?.leader === unit,
      workload: isInError ? "error" : worldUnit.status.status,
      agent: agent.status,
      address: Object.values(worldUnit.networks)[0]?.ingressAddresses[0] ?? "",
      message: isInError ? agent.message : worldUnit.status.message,
    });
  }
  const apps = sim.applications().map((app): AppStatusRow => {
    const own = units.filter((row) => row.app === app);
    const declared = sim.world.apps.get(app)!.status;
    // Like `juju status`: an application whose leader never set a status (`unset`) shows its units' worst.
    const shown = declared.status !== "unknown" && declared.status !== "unset" ? declared : derivedStatus(own.map((row) => ({ status: row.workload, message: row.message })));
    const leader = sim.world.apps.get(app)!.leader;
    const version = (leader === undefined ? undefined : sim.world.units.get(leader)?.workloadVersion) ?? "";
    return { app, charm: sim.charmOf(app)!.meta.name, version, units: own.length, status: shown.status, message: shown.message };
  });
  return { model: sim.world.modelName, apps, units };
}

function derivedStatus(unitStatuses: readonly { status: string; message: string }[]): { status: string; message: string } {
  const rank = (status: string) => {
    const index = (SEVERITY as readonly string[]).indexOf(status);
    return index < 0 ? SEVERITY.length : index;
  };
  const worst = [...unitStatuses].sort((a, b) => rank(a.status) - rank(b.status))[0];
  return worst ?? ({ status: "unknown", message: "" } satisfies StatusValue);
}
