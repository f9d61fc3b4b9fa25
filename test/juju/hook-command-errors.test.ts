import { describe, expect, it } from "vitest";
import { classifyHookCommandError, hookCommandError, jujuErrorMessage } from "../../src/juju/hook-command-errors.js";

describe("classifying Juju's ERROR lines", () => {
  it("takes the message from the ERROR line and ignores warnings before it", () => {
    expect(jujuErrorMessage('WARNING something\nERROR permission denied\n')).toBe("permission denied");
    expect(jujuErrorMessage("no error prefix here\n")).toBe("no error prefix here");
  });

  it("recognises an unknown relation from any command that takes -r", () => {
    const stderr = 'ERROR invalid value "tempo-cluster:99" for option -r: relation not found\n';
    expect(classifyHookCommandError("relation-get", stderr)).toBe("relation-not-found");
    expect(classifyHookCommandError("network-get", stderr)).toBe("relation-not-found");
  });

  it("recognises a denied read as permission-denied", () => {
    expect(classifyHookCommandError("relation-get", "ERROR permission denied\n")).toBe("permission-denied");
    expect(classifyHookCommandError("secret-get", "ERROR permission denied\n")).toBe("permission-denied");
  });

  it("recognises every leadership refusal as not-leader", () => {
    expect(classifyHookCommandError("relation-set", "ERROR cannot write relation settings\n")).toBe("not-leader");
    expect(classifyHookCommandError("status-set", "ERROR this unit is not the leader\n")).toBe("not-leader");
    expect(
      classifyHookCommandError("status-get", "ERROR finding application status: this unit is not the leader\n"),
    ).toBe("not-leader");
  });

  it("reads 'not found' as secret-not-found only for secret commands", () => {
    expect(classifyHookCommandError("secret-get", 'ERROR secret "cq9abc" not found\n')).toBe("secret-not-found");
    expect(classifyHookCommandError("state-get", 'ERROR "key" not found\n')).toBe("other");
  });

  it("leaves anything else as other and keeps command, exit code and stderr on the error", () => {
    const error = hookCommandError("network-get", 1, 'ERROR no network config found for binding "x"\n');
    expect(error.kind).toBe("other");
    expect(error.command).toBe("network-get");
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe('network-get: ERROR no network config found for binding "x"');
  });
});
