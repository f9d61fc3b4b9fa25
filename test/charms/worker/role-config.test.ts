import { describe, expect, it } from "vitest";
import { ROLE_OPTION_NAMES, selectRole } from "../../../src/charms/worker/role-config.js";

const allOff = Object.fromEntries(ROLE_OPTION_NAMES.map((name) => [name, false]));

describe("selectRole", () => {
  it("selects all with the default config", () => {
    expect(selectRole({ ...allOff, "role-all": true }, "tempo-worker")).toEqual({ kind: "valid", role: "all" });
  });

  it("selects the single enabled component role", () => {
    expect(selectRole({ ...allOff, "role-query-frontend": true }, "w")).toEqual({ kind: "valid", role: "query-frontend" });
  });

  it("names both enabled options and the command that fixes them when two roles are on", () => {
    const selection = selectRole({ ...allOff, "role-all": true, "role-querier": true }, "tempo-worker");
    expect(selection.kind).toBe("invalid");
    if (selection.kind !== "invalid") return;
    expect(selection.enabledOptions).toEqual(["role-all", "role-querier"]);
    expect(selection.message).toContain("role-all, role-querier");
    expect(selection.message).toContain("juju config tempo-worker role-querier=false");
  });

  it("asks to enable one role when every option is off", () => {
    const selection = selectRole(allOff, "tempo-worker");
    expect(selection).toMatchObject({ kind: "invalid", enabledOptions: [] });
    if (selection.kind === "invalid") expect(selection.message).toContain("juju config tempo-worker role-all=true");
  });

  it("ignores options that are not role options", () => {
    expect(selectRole({ ...allOff, "role-compactor": true, "cpu-limit": "1" }, "w")).toEqual({ kind: "valid", role: "compactor" });
  });
});
