import { describe, expect, it } from "vitest";
import { checkCharmMeta, renderConfigYaml, renderMetadataYaml } from "../../scripts/charm-metadata.js";
import { CHARM_TARGETS, loadCharmTarget } from "../../scripts/charm-targets.js";
import YAML from "yaml";

describe("the charms this repository ships", () => {
  it("are the tempo coordinator and the tempo worker", () => {
    expect(CHARM_TARGETS.map((target) => target.name)).toEqual(["tempo-coordinator", "tempo-worker"]);
  });

  it.each(CHARM_TARGETS.map((target) => target.name))("%s has an entry and a valid meta of its own name", async (name) => {
    const target = CHARM_TARGETS.find((candidate) => candidate.name === name);
    if (target === undefined) throw new Error(name);
    const loaded = await loadCharmTarget(target);
    expect(loaded.kind, loaded.kind === "unavailable" ? loaded.reason : "").toBe("ready");
    if (loaded.kind !== "ready") return;
    expect(loaded.meta.name).toBe(name);
    expect(YAML.parse(renderMetadataYaml(loaded.meta)).name).toBe(name);
    expect(YAML.parse(renderConfigYaml(loaded.meta)).options).toEqual(loaded.meta.config?.options ?? {});
  });

  it("declare the worker's workload container with an oci-image resource", async () => {
    const worker = CHARM_TARGETS.find((target) => target.name === "tempo-worker");
    if (worker === undefined) throw new Error("no worker target");
    const loaded = await loadCharmTarget(worker);
    if (loaded.kind !== "ready") throw new Error(loaded.reason);
    const metadata = YAML.parse(renderMetadataYaml(loaded.meta));
    for (const container of Object.values(metadata.containers ?? {}) as Array<{ resource: string }>) {
      expect(metadata.resources[container.resource].type).toBe("oci-image");
    }
    expect(Object.keys(metadata.containers ?? {})).not.toHaveLength(0);
  });

  it("reports a target whose entry does not exist instead of failing the build with a stack", async () => {
    const loaded = await loadCharmTarget({ name: "ghost", entry: "src/charms/ghost/main.ts", metaModule: "src/charms/ghost/meta.ts" });
    expect(loaded).toMatchObject({ kind: "unavailable", reason: "src/charms/ghost/main.ts does not exist" });
  });
});

describe("checking a charm meta before building", () => {
  it("names the field of a meta that Juju would refuse", () => {
    const checked = checkCharmMeta({ name: "Bad Name", summary: "s", description: "d", resources: { image: { type: "docker" } } });
    expect(checked.kind).toBe("invalid");
    if (checked.kind !== "invalid") return;
    expect(checked.reasons.some((reason) => reason.startsWith("name:"))).toBe(true);
    expect(checked.reasons.some((reason) => reason.startsWith("resources.image.type:"))).toBe(true);
  });
});
