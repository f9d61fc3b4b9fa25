/**
 * Two small charms that speak a toy `roster` interface, so simulator tests exercise Juju's event
 * semantics without the cost of the Tempo charms:
 *
 * - `registry` (provider): its leader publishes the sorted list of the remote units it has seen
 *   join into its app bag (`members`), plus its `motd` config option; every unit writes `motd`
 *   into its own unit bag. Its `colour` option is read by nothing.
 * - `member` (requirer, with a `crew` peer relation): each unit writes how many members the
 *   registry listed into its unit bag (`seen`); the leader writes its own name into the peer
 *   app bag (`captain`). Config `explode=true` makes every hook fail.
 */
import type { Charm } from "../../src/juju/charm.js";

export const registryCharm: Charm = {
  meta: {
    name: "registry",
    summary: "toy provider",
    description: "publishes who joined",
    provides: { roster: { interface: "roster" } },
    config: { options: { motd: { type: "string", default: "hello" }, colour: { type: "string", default: "grey" } } },
  },
  async reconcile(model) {
    for (const relation of model.relations("roster")) {
      if (!relation.isActive) continue;
      relation.localUnitData().update({ motd: String(model.config.motd) });
      if (model.isLeader()) relation.localAppData().update({ members: JSON.stringify(relation.units), motd: String(model.config.motd) });
    }
    model.setUnitStatus({ status: "active", message: "" });
  },
};

export const memberCharm: Charm = {
  meta: {
    name: "member",
    summary: "toy requirer",
    description: "reports what it saw",
    requires: { roster: { interface: "roster" } },
    peers: { crew: { interface: "crew" } },
    config: { options: { explode: { type: "boolean", default: false } } },
  },
  async reconcile(model) {
    if (model.config.explode === true) throw new Error("exploded on purpose");
    for (const relation of model.relations("roster")) {
      if (!relation.isActive) continue;
      const members = relation.remoteAppData().members;
      const seen = members === undefined ? 0 : (JSON.parse(members) as string[]).length;
      relation.localUnitData().update({ seen: String(seen) });
    }
    if (model.isLeader() && model.meta.peers?.crew !== undefined) {
      for (const relation of model.relations("crew")) relation.localAppData().update({ captain: model.unit.name });
    }
    model.setUnitStatus({ status: "active", message: "" });
  },
};
