/**
 * The Go stand-in for Juju's unit agent and jujuc client (test/fixtures/jujuc-agent/main.go), built
 * with the real Go toolchain: stdlib only, in temporary GOCACHE/GOPATH, no modules, no network.
 *
 *   const go = realComponent("go", "golang-go");
 *   const binary = await buildJujucAgent(go.path);
 *   const agent = await startJujucAgent({ binary, address: "@x", contextId, answers });
 *   … agent.calls() … await agent.stop();
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../../scripts/charm-layout.js";

const SOURCE = path.join(REPO_ROOT, "test/fixtures/jujuc-agent/main.go");

let built: string | undefined;

/** Build once per process; the binary lives in a temp dir. */
export function buildJujucAgent(goBinary: string): string {
  if (built !== undefined && existsSync(built)) return built;
  const dir = mkdtempSync(path.join(os.tmpdir(), "jujuc-agent-"));
  const output = path.join(dir, "jujuc-agent");
  const result = spawnSync(goBinary, ["build", "-o", output, SOURCE], {
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      GOCACHE: path.join(dir, "cache"),
      GOPATH: path.join(dir, "gopath"),
      GO111MODULE: "off",
      GOFLAGS: "",
      GOTOOLCHAIN: "local",
      CGO_ENABLED: "0",
    },
  });
  if (result.status !== 0) throw new Error(`go build failed: ${result.stderr}`);
  rmSync(path.join(dir, "cache"), { recursive: true, force: true });
  built = output;
  return output;
}

/** A directory of hook-tool symlinks to the Go jujuc client, like Juju's tools dir. */
export function jujucToolsDir(binary: string, commands: readonly string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "jujuc-tools-"));
  for (const command of commands) symlinkSync(binary, path.join(dir, command));
  return dir;
}

export interface AgentAnswer {
  readonly Code?: number;
  readonly Stdout?: string;
  readonly Stderr?: string;
}

/** One request as the agent received it (Stdin decoded from Go's base64). */
export interface ReceivedRequest {
  readonly ContextId: string;
  readonly Dir: string;
  readonly CommandName: string;
  readonly Args: string[] | null;
  readonly StdinSet: boolean;
  readonly Stdin: string;
  readonly Token: string;
  readonly ReceivedUnixNano: number;
}

export interface RunningAgent {
  readonly address: string;
  calls(): ReceivedRequest[];
  stop(): Promise<void>;
}

export async function startJujucAgent(options: {
  binary: string;
  address: string;
  contextId: string;
  answers: Record<string, AgentAnswer>;
  /** Register under another name than `Jujuc`: every call then fails with `rpc: can't find service`. */
  service?: string;
}): Promise<RunningAgent> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "jujuc-agent-run-"));
  const answersFile = path.join(dir, "answers.json");
  const callsFile = path.join(dir, "calls.jsonl");
  // Go's []byte is base64 in JSON.
  const answers = Object.fromEntries(
    Object.entries(options.answers).map(([key, answer]) => [
      key,
      {
        Code: answer.Code ?? 0,
        Stdout: Buffer.from(answer.Stdout ?? "").toString("base64"),
        Stderr: Buffer.from(answer.Stderr ?? "").toString("base64"),
      },
    ]),
  );
  writeFileSync(answersFile, JSON.stringify(answers));
  writeFileSync(callsFile, "");
  const child = spawn(options.binary, [options.address, options.contextId, answersFile, callsFile], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, JUJUC_AGENT_SERVICE: options.service ?? "" },
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`jujuc-agent exited ${code}: ${stderr}`)));
  });
  return {
    address: options.address,
    calls: () =>
      readFileSync(callsFile, "utf8")
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => {
          const raw = JSON.parse(line) as Omit<ReceivedRequest, "Stdin"> & { Stdin: string | null };
          return { ...raw, Stdin: Buffer.from(raw.Stdin ?? "", "base64").toString("utf8") };
        }),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
