#!/usr/bin/env node
// The fake Juju agent's hook commands: one script for every command name.
//
// The driver (driver.ts) puts symlinks named like Juju's hook commands (relation-get, status-set, …) on
// PATH, all pointing here; the command is the basename of argv[1], as with Juju's own jujuc symlinks
// (juju-hook-tools.md §1.4). Plain JavaScript with no imports beyond node: builtins, because every hook
// command is a process start and a hook with 100 remote units spawns 100+ of them.
//
// Files (paths derive from FAKE_JUJU_STATE; formats are defined with zod in state.ts):
//   <state>            { contextId, hook, state }: the committed model plus immediate effects
//   <state>.pending    working copy of the buffered parts (relation bags, ports, secrets, unit state),
//                      committed by the driver only when the hook exits 0 (§1.5, §3.2)
//   <state>.calls      one JSON line per call: { command, args }
//
// Behaviour follows juju-hook-tools.md: Go-style argv (§2.0), sorted compact JSON with a trailing
// newline, one `ERROR <message>` line on stderr, exit 2 for usage errors (including an unknown -r) and
// exit 1 for runtime and permission errors, the access matrix of §3.1 and read-your-writes of §3.2.

import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { createHash } from "node:crypto";

class ToolExit extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
const usageError = (message) => new ToolExit(2, message);
const runtimeError = (message) => new ToolExit(1, message);

// ---------------------------------------------------------------- argv (juju/cmd + gnuflag rules)

/** Go's strconv.ParseBool. */
function parseGoBool(text, flagName) {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  throw usageError(`invalid value "${text}" for flag ${flagName}: parse error`);
}

/**
 * Flags anywhere, `--` ends flags, `--flag=value` / `--flag value` / `-f value`, bools with optional
 * `=value`. `spec` maps every accepted spelling (without dashes) to { key, bool }.
 */
function parseArgv(argv, spec) {
  const flags = {};
  const positionals = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === "--") {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, "");
    const equals = body.indexOf("=");
    const name = equals >= 0 ? body.slice(0, equals) : body;
    const inlineValue = equals >= 0 ? body.slice(equals + 1) : undefined;
    const definition = spec[name];
    const spelled = `${arg.startsWith("--") ? "--" : "-"}${name}`;
    if (definition === undefined) throw usageError(`flag provided but not defined: ${spelled}`);
    if (definition.bool) {
      flags[definition.key] = inlineValue === undefined ? true : parseGoBool(inlineValue, spelled);
      continue;
    }
    let value = inlineValue;
    if (value === undefined) {
      if (index + 1 >= argv.length) throw usageError(`flag needs an argument: ${spelled}`);
      index += 1;
      value = argv[index];
    }
    flags[definition.key] = value;
  }
  return { flags, positionals };
}

const flag = (key, bool = false, ...spellings) =>
  Object.fromEntries([key, ...spellings].map((spelling) => [spelling, { key, bool }]));
const FORMAT_FLAGS = { ...flag("format"), ...flag("output", false, "o"), ...flag("help", true, "h") };
const RELATION_FLAG = flag("relation", false, "r");

function checkEmpty(rest) {
  if (rest.length > 0) throw usageError(`unrecognized args: ${JSON.stringify(rest)}`);
}

// ---------------------------------------------------------------- output

function sortKeysDeep(value) {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeysDeep(value[key])]),
    );
  }
  return value;
}

function yamlScalar(value) {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") {
    return /^[A-Za-z0-9_./@-][A-Za-z0-9_./@ :-]*$/.test(value) && !/[: ]$/.test(value) && !/: /.test(value)
      ? value
      : JSON.stringify(value);
  }
  return String(value);
}

/** Block YAML for the smart and yaml formats (Go's yaml.v2 marshals maps with sorted keys). */
function toYaml(value, indent = "") {
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]\n";
    return value
      .map((item) =>
        item !== null && typeof item === "object"
          ? `${indent}- ${toYaml(item, `${indent}  `).trimStart()}`
          : `${indent}- ${yamlScalar(item)}\n`,
      )
      .join("");
  }
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 0) return "{}\n";
    return keys
      .map((key) => {
        const item = value[key];
        const isNested = item !== null && typeof item === "object" && Object.keys(item).length > 0;
        return isNested
          ? `${indent}${yamlScalar(key)}:\n${toYaml(item, `${indent}  `)}`
          : `${indent}${yamlScalar(key)}: ${toYaml(item).trimEnd()}\n`;
      })
      .join("");
  }
  return `${yamlScalar(value)}\n`;
}

/**
 * `--format` json: compact, sorted map keys (Go maps), unless the output is struct-shaped (network-get,
 * secret-info-get keep field order). smart: plain strings, True/False, YAML for the rest.
 */
function render(value, format, { keepFieldOrder = false } = {}) {
  const shaped = keepFieldOrder ? value : sortKeysDeep(value);
  if (format === "json") return `${JSON.stringify(shaped)}\n`;
  if (format === "yaml") return toYaml(shaped);
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return `${value}\n`;
  if (typeof value === "boolean") return value ? "True\n" : "False\n";
  if (typeof value === "number") return `${value}\n`;
  return toYaml(shaped);
}

function checkFormat(format) {
  const chosen = format ?? "smart";
  if (!["smart", "json", "yaml"].includes(chosen)) {
    throw usageError(`invalid value "${chosen}" for option --format: unknown format "${chosen}"`);
  }
  return chosen;
}

// ---------------------------------------------------------------- agent files

const statePath = process.env.FAKE_JUJU_STATE;
const pendingPath = `${statePath}.pending`;
const callsPath = `${statePath}.calls`;

function loadAgent() {
  if (!statePath || !existsSync(statePath)) {
    throw runtimeError("no hook context: the hook has exited or FAKE_JUJU_STATE is not set");
  }
  const agent = JSON.parse(readFileSync(statePath, "utf8"));
  // Juju's jujuc finds the hook through JUJU_CONTEXT_ID; a call from outside the running hook fails.
  if (agent.contextId !== process.env.JUJU_CONTEXT_ID) {
    throw runtimeError(`bad request: unknown context "${process.env.JUJU_CONTEXT_ID ?? ""}"`);
  }
  return agent;
}

function extractBuffered(state) {
  return {
    relations: Object.fromEntries(
      state.relations.map((relation) => [
        String(relation.id),
        { localUnitData: relation.localUnitData, localAppData: relation.localAppData },
      ]),
    ),
    openedPorts: state.openedPorts,
    secrets: state.secrets,
    secretGrants: [],
    secretRevokes: [],
    unitState: state.unitState,
  };
}

function loadWorking(agent) {
  return existsSync(pendingPath) ? JSON.parse(readFileSync(pendingPath, "utf8")) : extractBuffered(agent.state);
}

// ---------------------------------------------------------------- model helpers

const appOf = (unitName) => unitName.split("/")[0];

function hookPhase(hook) {
  const match = /-relation-(created|joined|changed|departed|broken)$/.exec(hook.name);
  return match ? match[1] : undefined;
}

/** `-r <id>` or `-r <anything>:<id>`; a wrong endpoint counts as not found (§2.0). */
function resolveRelation(agent, text) {
  const relations = agent.state.relations;
  if (text === undefined) {
    const current = agent.hook.relationId;
    if (current === undefined) throw usageError("no relation id specified");
    return relations.find((relation) => relation.id === current);
  }
  const colon = text.lastIndexOf(":");
  const idText = colon >= 0 ? text.slice(colon + 1) : text;
  const endpoint = colon >= 0 ? text.slice(0, colon) : undefined;
  if (!/^\d+$/.test(idText)) throw usageError(`invalid value "${text}" for option -r: invalid relation id`);
  const relation = relations.find((candidate) => candidate.id === Number(idText));
  if (relation === undefined || (endpoint !== undefined && endpoint !== relation.endpoint)) {
    throw usageError(`invalid value "${text}" for option -r: relation not found`);
  }
  return relation;
}

/** `relation-list` membership depends on the running hook (§2.2). */
function relationMembers(agent, relation) {
  const seen = Object.keys(relation.remoteUnitsData)
    .filter((unit) => !relation.departedUnits.includes(unit))
    .sort();
  if (agent.hook.relationId !== relation.id) return seen;
  const phase = hookPhase(agent.hook);
  if (phase === "created" || phase === "broken") return [];
  if (phase === "departed") return seen.filter((unit) => unit !== agent.hook.departingUnit);
  return seen;
}

function bagSet(bag, changes) {
  const next = { ...bag };
  for (const [key, value] of Object.entries(changes)) {
    if (value === "") delete next[key];
    else next[key] = value;
  }
  return next;
}

/** keyvalues.Parse(args, allowEmpty=true): TrimSpace'd keys and values, no duplicates. */
function parseKeyValues(args) {
  const pairs = {};
  for (const arg of args) {
    const equals = arg.indexOf("=");
    if (equals < 0) throw usageError(`expected "key=value", got "${arg}"`);
    const key = arg.slice(0, equals).trim();
    if (key in pairs) throw usageError(`key "${key}" specified more than once`);
    pairs[key] = arg.slice(equals + 1).trim();
  }
  return pairs;
}

function unmarshalError(kind) {
  return runtimeError(`yaml: unmarshal errors:\n  line 1: cannot unmarshal !!${kind} into string`);
}

function scalarToString(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) throw unmarshalError("seq");
  if (typeof value === "object") throw unmarshalError("map");
  return String(value);
}

function unquoteYaml(text) {
  const trimmed = text.trim();
  if (trimmed === "" || trimmed === "null" || trimmed === "~") return "";
  if (trimmed.startsWith('"')) return JSON.parse(trimmed);
  if (trimmed.startsWith("'")) return trimmed.slice(1, -1).replace(/''/g, "'");
  if (trimmed.startsWith("[")) throw unmarshalError("seq");
  if (trimmed.startsWith("{")) throw unmarshalError("map");
  return trimmed;
}

/**
 * `--file` content is YAML into map[string]string (§2.4). JSON is YAML, so JSON is tried first; the
 * fallback covers the flat `key: value` documents that old ops (yaml.safe_dump) sends.
 */
function parseSettingsDocument(text) {
  if (text.trim() === "") return {};
  try {
    const parsed = JSON.parse(text);
    if (parsed === null) return {};
    if (typeof parsed !== "object" || Array.isArray(parsed)) throw unmarshalError("seq");
    return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, scalarToString(value)]));
  } catch (error) {
    if (error instanceof ToolExit) throw error;
  }
  const settings = {};
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.trim().startsWith("#") || line.trim() === "---") continue;
    if (/^\s/.test(line) || line.trim().startsWith("- ")) throw unmarshalError("map");
    const colon = line.indexOf(":");
    if (colon < 0) throw runtimeError(`yaml: line 1: could not find expected ':'`);
    settings[unquoteYaml(line.slice(0, colon))] = unquoteYaml(line.slice(colon + 1));
  }
  return settings;
}

function readFileArgument(fileFlag) {
  if (fileFlag === undefined) return {};
  // Juju asks for stdin lazily and the client then reads all of it: an unclosed stdin blocks (§1.4).
  const text = fileFlag === "-" ? readFileSync(0, "utf8") : readFileSync(fileFlag, "utf8");
  return parseSettingsDocument(text);
}

// ---------------------------------------------------------------- ports

function parsePortSpec(text, modelType) {
  const lower = text.toLowerCase();
  if (lower === "icmp") return { protocol: "icmp", from: 0, to: 0 };
  const match = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp))?$/.exec(lower);
  if (!match) throw usageError(`expected <port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp; got "${text}"`);
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  if (from < 1 || to > 65535 || from > to) throw usageError(`invalid port range "${text}"`);
  if (from !== to && modelType === "kubernetes") {
    throw runtimeError("port ranges are not supported for k8s applications, please specify a single port");
  }
  return { protocol: match[3] ?? "tcp", from, to };
}

function portText(range) {
  if (range.protocol === "icmp") return "icmp";
  return range.from === range.to ? `${range.from}/${range.protocol}` : `${range.from}-${range.to}/${range.protocol}`;
}

function sortPorts(texts) {
  const ranges = texts.map((text) => parsePortSpec(text, "machine"));
  ranges.sort((a, b) => a.protocol.localeCompare(b.protocol) || a.from - b.from || a.to - b.to);
  return ranges.map(portText);
}

// ---------------------------------------------------------------- secrets

const SECRET_KEY = /^[a-z](-?[a-z0-9]){2,}$/;

/** `secret:<xid>`, `secret://<model>/<xid>` or a bare xid → the bare xid. */
function secretXid(text) {
  if (text.startsWith("secret://")) return text.slice(text.lastIndexOf("/") + 1);
  if (text.startsWith("secret:")) return text.slice("secret:".length);
  return text;
}

function findSecret(working, idText, label) {
  if (idText !== undefined) {
    const xid = secretXid(idText);
    return working.secrets.find((secret) => secretXid(secret.id) === xid);
  }
  return working.secrets.find((secret) => secret.label === label);
}

const latestRevision = (secret) => Math.max(...secret.revisions.map((revision) => revision.revision));
const revisionContent = (secret, number) =>
  (secret.revisions.find((revision) => revision.revision === number) ?? { content: {} }).content;

/** Content arguments: `key=value`, `key#base64=value`, `key#file=path` (secret-add/secret-set). */
function parseSecretContent(args, fileFlag) {
  const content = {};
  if (fileFlag !== undefined) Object.assign(content, parseSettingsDocument(readFileSync(fileFlag, "utf8")));
  for (const arg of args) {
    const equals = arg.indexOf("=");
    if (equals < 0) throw usageError(`expected "key=value", got "${arg}"`);
    const [key, encoding] = arg.slice(0, equals).split("#");
    const raw = arg.slice(equals + 1);
    if (!SECRET_KEY.test(key)) throw usageError(`key "${key}" not valid`);
    if (encoding === "file") content[key] = readFileSync(raw, "utf8");
    else if (encoding === "base64") content[key] = Buffer.from(raw, "base64").toString("utf8");
    else if (encoding === undefined) content[key] = raw;
    else throw usageError(`encoding "${encoding}" not supported`);
  }
  return content;
}

/** Only the owner may change a secret, and only the leader for an application-owned one. */
function checkCanManage(agent, secret) {
  if (secret.owner === undefined) throw runtimeError("permission denied");
  if (secret.owner === "application" && !agent.state.leader) throw runtimeError("this unit is not the leader");
}

/** Juju's xids are 20 base32hex characters; derive them from a counter so runs are reproducible. */
function allocateSecretXid(agent, working) {
  const alphabet = "0123456789abcdefghijklmnopqrstuv";
  const digest = createHash("sha256")
    .update(`${agent.state.model.uuid}/${agent.state.unitName}/${working.secrets.length}/${agent.contextId}`)
    .digest();
  let xid = "";
  for (let index = 0; index < 20; index += 1) xid += alphabet[digest[index] % 32];
  return xid;
}

const metadataFlags = {
  ...flag("label"),
  ...flag("description"),
  ...flag("expire"),
  ...flag("rotate"),
  ...flag("file"),
};

function applyMetadata(secret, flags) {
  const next = { ...secret };
  if (flags.label !== undefined) next.label = flags.label;
  if (flags.description !== undefined) next.description = flags.description;
  if (flags.expire !== undefined) next.expiry = flags.expire;
  if (flags.rotate !== undefined) next.rotation = flags.rotate;
  return next;
}

// ---------------------------------------------------------------- commands

/**
 * Each command: { flags, formatted, run(ctx) }. ctx = { agent, working, flags, positionals, format,
 * out(value, opts), saveWorking(), saveAgent() }.
 */
/** The running action, or Juju's refusal outside one. */
function runningAction(ctx, command) {
  if (!ctx.agent.hook.action || !ctx.agent.state.action) throw runtimeError("not running an action");
  return ctx.agent.hook.action;
}

const COMMANDS = {
  "relation-ids": {
    formatted: true,
    run(ctx) {
      const [named, ...rest] = ctx.positionals;
      checkEmpty(rest);
      let endpoint = named;
      if (endpoint === undefined) {
        const current = ctx.agent.state.relations.find((relation) => relation.id === ctx.agent.hook.relationId);
        if (current === undefined) throw usageError("no endpoint name specified");
        endpoint = current.endpoint;
      }
      const breaking = hookPhase(ctx.agent.hook) === "broken" ? ctx.agent.hook.relationId : undefined;
      // Sorted as strings, so x:10 comes before x:9 (§2.1); the relation being broken is left out.
      const ids = ctx.agent.state.relations
        .filter((relation) => relation.endpoint === endpoint && relation.id !== breaking)
        .map((relation) => `${relation.endpoint}:${relation.id}`)
        .sort();
      ctx.out(ids);
    },
  },

  "relation-list": {
    flags: { ...RELATION_FLAG, ...flag("app", true) },
    formatted: true,
    run(ctx) {
      checkEmpty(ctx.positionals);
      const relation = resolveRelation(ctx.agent, ctx.flags.relation);
      ctx.out(ctx.flags.app ? relation.remoteApp : relationMembers(ctx.agent, relation));
    },
  },

  "relation-get": {
    flags: { ...RELATION_FLAG, ...flag("app", true) },
    formatted: true,
    run(ctx) {
      const { agent, working } = ctx;
      const relation = resolveRelation(agent, ctx.flags.relation);
      const [keyArg, targetArg, ...rest] = ctx.positionals;
      checkEmpty(rest);
      let isApp = ctx.flags.app === true;
      let target = targetArg;
      if (target === undefined) {
        if (agent.hook.remoteUnit) target = agent.hook.remoteUnit;
        else if (agent.hook.remoteApp) {
          target = agent.hook.remoteApp;
          isApp = true;
        } else throw usageError("no unit or application specified");
      }
      if (!isApp && !target.includes("/")) throw usageError(`expected unit name, got application name "${target}"`);
      const localUnit = agent.state.unitName;
      const localApp = appOf(localUnit);
      const own = working.relations[String(relation.id)];
      let bag;
      if (isApp) {
        const app = appOf(target);
        if (app === localApp) {
          // §3.1: a non-leader may read its own app bag only in a peer relation.
          if (!relation.isPeer && !agent.state.leader) throw runtimeError("permission denied");
          bag = own.localAppData;
        } else if (app === relation.remoteApp) bag = relation.remoteAppData;
        else throw runtimeError("permission denied");
      } else if (target === localUnit) bag = own.localUnitData;
      else if (target in relation.remoteUnitsData) bag = relation.remoteUnitsData[target];
      else throw runtimeError("permission denied");
      const key = keyArg === undefined || keyArg === "-" ? undefined : keyArg;
      ctx.out(key === undefined ? bag : (bag[key] ?? null));
    },
  },

  "relation-set": {
    flags: { ...RELATION_FLAG, ...flag("app", true), ...flag("file"), ...flag("format") },
    run(ctx) {
      const { agent, working } = ctx;
      const relation = resolveRelation(agent, ctx.flags.relation);
      const pairs = parseKeyValues(ctx.positionals);
      if (ctx.flags.format !== undefined) {
        process.stderr.write(`--format flag deprecated for command "relation-set"\n`);
      }
      if (ctx.flags.app && !agent.state.leader) throw runtimeError("cannot write relation settings");
      const changes = { ...readFileArgument(ctx.flags.file), ...pairs };
      const own = working.relations[String(relation.id)];
      if (ctx.flags.app) own.localAppData = bagSet(own.localAppData, changes);
      else own.localUnitData = bagSet(own.localUnitData, changes);
      ctx.saveWorking();
    },
  },

  "is-leader": {
    formatted: true,
    run(ctx) {
      checkEmpty(ctx.positionals);
      ctx.out(ctx.agent.state.leader);
    },
  },

  "config-get": {
    flags: flag("all", true, "a"),
    formatted: true,
    run(ctx) {
      const [key, ...rest] = ctx.positionals;
      checkEmpty(rest);
      const config = ctx.agent.state.config;
      ctx.out(key === undefined ? config : (config[key] ?? null));
    },
  },

  "status-get": {
    flags: { ...flag("include-data", true), ...flag("application", true) },
    formatted: true,
    run(ctx) {
      checkEmpty(ctx.positionals);
      const { state } = ctx.agent;
      // The stored name is printed as it is (jujuc/status-get.go `toDetails`): `unset` for an
      // application whose leader never set one (juju/juju#11740), `terminated` for a unit whose pod
      // stopped (the CAAS application provisioner's UpdateUnits: "unit stopped by the cloud").
      const describe = (value) =>
        ctx.flags["include-data"]
          ? { message: value.message, status: value.status, "status-data": {} }
          : { status: value.status };
      if (!ctx.flags.application) {
        ctx.out(describe(state.unitStatus));
        return;
      }
      if (!state.leader) throw runtimeError("finding application status: this unit is not the leader");
      ctx.out({
        "application-status": { ...describe(state.appStatus), units: { [state.unitName]: describe(state.unitStatus) } },
      });
    },
  },

  "status-set": {
    flags: flag("application", true),
    run(ctx) {
      const [status, message, ...rest] = ctx.positionals;
      if (status === undefined) throw usageError("invalid args, require <status> [message] [data]");
      const settable = ["maintenance", "blocked", "waiting", "active"];
      if (!settable.includes(status)) {
        throw usageError(`invalid status "${status}", expected one of [${settable.join(" ")}]`);
      }
      checkEmpty(rest);
      const { state } = ctx.agent;
      if (ctx.flags.application && !state.leader) throw runtimeError("this unit is not the leader");
      const target = ctx.flags.application ? "application" : "unit";
      const value = { status, message: message ?? "" };
      // Immediate (§1.5): it survives a failed hook.
      if (target === "application") state.appStatus = value;
      else state.unitStatus = value;
      state.statusHistory.push({ target, ...value });
      ctx.saveAgent();
    },
  },

  "application-version-set": {
    run(ctx) {
      const [version, ...rest] = ctx.positionals;
      if (version === undefined) throw usageError("no version specified");
      checkEmpty(rest);
      ctx.agent.state.workloadVersion = version;
      ctx.saveAgent();
    },
  },

  // Actions (§2.17). Results, failure and progress lines live in the agent file: Juju sends them
  // when the action ends whatever its outcome, so they are not part of the pending (buffered) state.
  "action-get": {
    formatted: true,
    run(ctx) {
      const action = runningAction(ctx, "action-get");
      const [key, ...rest] = ctx.positionals;
      checkEmpty(rest);
      if (key === undefined) return ctx.out(action.params);
      // `a.b` walks nested maps; a missing key prints null.
      let value = action.params;
      for (const part of key.split(".")) value = value !== null && typeof value === "object" ? value[part] : undefined;
      ctx.out(value === undefined ? null : value);
    },
  },

  "action-set": {
    run(ctx) {
      runningAction(ctx, "action-set");
      const results = {};
      for (const arg of ctx.positionals) {
        const equals = arg.indexOf("=");
        if (equals < 0) throw usageError(`argument "${arg}" must be of the form key...=value`);
        const key = arg.slice(0, equals);
        if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/.test(key)) {
          throw usageError(`key "${key}" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods`);
        }
        if (["stdout", "stdout-encoding", "stderr", "stderr-encoding"].includes(key)) {
          throw usageError(`cannot set reserved action key "${key}"`);
        }
        results[key] = arg.slice(equals + 1);
      }
      Object.assign(ctx.agent.state.action.results, results);
      ctx.saveAgent();
    },
  },

  "action-fail": {
    run(ctx) {
      runningAction(ctx, "action-fail");
      const [message, ...rest] = ctx.positionals;
      checkEmpty(rest);
      ctx.agent.state.action.failure = message ?? "action failed without reason given, check action for errors";
      ctx.saveAgent();
    },
  },

  "action-log": {
    run(ctx) {
      runningAction(ctx, "action-log");
      if (ctx.positionals.length === 0) throw usageError("no message specified");
      ctx.agent.state.action.logs.push(ctx.positionals.join(" "));
      ctx.saveAgent();
    },
  },

  "juju-log": {
    flags: { ...flag("log-level", false, "l"), ...flag("debug", true), ...flag("format") },
    run(ctx) {
      if (ctx.positionals.length === 0) throw usageError("no message specified");
      const levels = ["TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];
      let level = (ctx.flags["log-level"] ?? (ctx.flags.debug ? "DEBUG" : "INFO")).toUpperCase();
      if (!levels.includes(level)) {
        process.stderr.write(`WARNING Specified log level of "${level}" is not valid, using INFO\n`);
        level = "INFO";
      }
      const { agent } = ctx;
      const relation = agent.state.relations.find((candidate) => candidate.id === agent.hook.relationId);
      // In relation hooks Juju prefixes the message with the relation (§2.10).
      const prefix = relation && hookPhase(agent.hook) ? `${relation.endpoint}:${relation.id}: ` : "";
      agent.state.logs.push({ level, message: prefix + ctx.positionals.join(" ") });
      ctx.saveAgent();
    },
  },

  "network-get": {
    flags: {
      ...RELATION_FLAG,
      ...flag("primary-address", true),
      ...flag("bind-address", true),
      ...flag("ingress-address", true),
      ...flag("egress-subnets", true),
    },
    formatted: true,
    run(ctx) {
      const [binding, ...rest] = ctx.positionals;
      if (binding === undefined) throw usageError("no endpoint specified");
      checkEmpty(rest);
      if (ctx.flags.relation !== undefined) resolveRelation(ctx.agent, ctx.flags.relation);
      const network = ctx.agent.state.networks[binding];
      if (network === undefined) throw runtimeError(`no network config found for binding "${binding}"`);
      if (ctx.flags["ingress-address"]) return ctx.out(network.ingressAddresses[0] ?? "");
      if (ctx.flags["bind-address"] || ctx.flags["primary-address"]) {
        return ctx.out(network.bindAddresses[0]?.addresses[0]?.value ?? "");
      }
      if (ctx.flags["egress-subnets"]) return ctx.out(network.egressSubnets);
      // Struct-shaped: field order is Go's, and the three lists are omitempty.
      const output = {
        "bind-addresses": network.bindAddresses.map((bind) => ({
          "mac-address": bind.macAddress,
          "interface-name": bind.interfaceName,
          addresses: bind.addresses.map((address) => ({
            hostname: address.hostname,
            value: address.value,
            cidr: address.cidr,
          })),
        })),
        "egress-subnets": network.egressSubnets,
        "ingress-addresses": network.ingressAddresses,
      };
      for (const key of Object.keys(output)) if (output[key].length === 0) delete output[key];
      return ctx.out(output, { keepFieldOrder: true });
    },
  },

  "open-port": portChangeCommand("open"),
  "close-port": portChangeCommand("close"),

  "opened-ports": {
    flags: flag("endpoints", true),
    formatted: true,
    run(ctx) {
      checkEmpty(ctx.positionals);
      // Pending opens and closes of this hook are included (juju/juju#15246, §2.14).
      const ports = sortPorts(ctx.working.openedPorts);
      const listed = ctx.flags.endpoints ? ports.map((port) => `${port} (*)`) : ports;
      if (ctx.format === "smart") process.stdout.write(listed.map((port) => `${port}\n`).join(""));
      else ctx.out(listed);
    },
  },

  "secret-get": {
    flags: { ...flag("label"), ...flag("peek", true), ...flag("refresh", true) },
    formatted: true,
    run(ctx) {
      const [idText, ...rest] = ctx.positionals;
      checkEmpty(rest);
      const { label, peek, refresh } = ctx.flags;
      if (idText === undefined && label === undefined) throw usageError("require either a secret URI or label");
      if (peek && refresh) throw usageError("specify one of --peek or --refresh but not both");
      const found = findSecret(ctx.working, idText, label);
      if (found === undefined) throw runtimeError(`secret "${idText ?? label}" not found`);
      const latest = latestRevision(found);
      let secret = found;
      if (idText !== undefined && label !== undefined) secret = { ...secret, label };
      let revision;
      if (secret.owner !== undefined || peek) revision = latest;
      else if (refresh || secret.trackedRevision === undefined) {
        // The first read pins the tracked revision; --refresh moves it to the latest (§2.16).
        revision = latest;
        secret = { ...secret, trackedRevision: latest };
      } else revision = secret.trackedRevision;
      if (secret !== found) {
        ctx.working.secrets = ctx.working.secrets.map((candidate) => (candidate === found ? secret : candidate));
        ctx.saveWorking();
      }
      ctx.out(revisionContent(secret, revision));
    },
  },

  "secret-add": {
    flags: { ...metadataFlags, ...flag("owner") },
    run(ctx) {
      const { agent, working } = ctx;
      const owner = ctx.flags.owner ?? "application";
      if (owner !== "application" && owner !== "unit") {
        throw usageError(`secret owner "${owner}" not valid`);
      }
      const content = parseSecretContent(ctx.positionals, ctx.flags.file);
      if (Object.keys(content).length === 0) throw usageError("missing secret value");
      if (owner === "application" && !agent.state.leader) throw runtimeError("this unit is not the leader");
      const xid = allocateSecretXid(agent, working);
      const secret = applyMetadata(
        { id: `secret:${xid}`, owner, revisions: [{ revision: 1, content }], grants: {} },
        ctx.flags,
      );
      working.secrets = [...working.secrets, secret];
      ctx.saveWorking();
      // The full URI, with the model as its source: jujuc/secret-add.go prints `uri.String()`, and the
      // uniter's CreateSecretURIs sets the source (core/secrets URI.String renders secret://<uuid>/<xid>).
      // secret-info-get and secret-ids print the bare xid, `juju secrets` the short `secret:<xid>`.
      process.stdout.write(`secret://${agent.state.model.uuid}/${xid}\n`);
    },
  },

  "secret-set": {
    flags: { ...metadataFlags, ...flag("owner") },
    run(ctx) {
      const [idText, ...contentArgs] = ctx.positionals;
      if (idText === undefined) throw usageError("missing secret URI");
      const content = parseSecretContent(contentArgs, ctx.flags.file);
      const found = findSecret(ctx.working, idText);
      if (found === undefined) throw runtimeError(`secret "${idText}" not found`);
      checkCanManage(ctx.agent, found);
      let secret = applyMetadata(found, ctx.flags);
      const latest = latestRevision(found);
      // A new revision only when the content actually changes.
      const changed =
        Object.keys(content).length > 0 &&
        JSON.stringify(sortKeysDeep(content)) !== JSON.stringify(sortKeysDeep(revisionContent(found, latest)));
      if (changed) secret = { ...secret, revisions: [...secret.revisions, { revision: latest + 1, content }] };
      // New content without --expire: the new revision has no expire time (Juju state/secrets.go
      // updateSecretMetadataDoc clears LatestExpireTime).
      if (changed && ctx.flags.expire === undefined) delete secret.expiry;
      ctx.working.secrets = ctx.working.secrets.map((candidate) => (candidate === found ? secret : candidate));
      ctx.saveWorking();
    },
  },

  "secret-grant": secretAccessCommand("grant"),
  "secret-revoke": secretAccessCommand("revoke"),

  "secret-remove": {
    flags: flag("revision"),
    run(ctx) {
      const [idText, ...rest] = ctx.positionals;
      if (idText === undefined) throw usageError("missing secret URI");
      checkEmpty(rest);
      const found = findSecret(ctx.working, idText);
      if (found === undefined) return; // A missing secret is no error (§2.16).
      checkCanManage(ctx.agent, found);
      const revision = ctx.flags.revision === undefined ? undefined : Number(ctx.flags.revision);
      const remaining =
        revision === undefined ? [] : found.revisions.filter((candidate) => candidate.revision !== revision);
      ctx.working.secrets =
        remaining.length === 0
          ? ctx.working.secrets.filter((candidate) => candidate !== found)
          : ctx.working.secrets.map((candidate) => (candidate === found ? { ...found, revisions: remaining } : candidate));
      if (remaining.length === 0) {
        // Juju forgets a removed secret's pending grants and revokes (runner/context/secrets.go `remove`).
        const others = (changes) => changes.filter((change) => change.id !== found.id);
        ctx.working.secretGrants = others(ctx.working.secretGrants);
        ctx.working.secretRevokes = others(ctx.working.secretRevokes);
      }
      ctx.saveWorking();
    },
  },

  "secret-info-get": {
    flags: flag("label"),
    formatted: true,
    run(ctx) {
      const [idText, ...rest] = ctx.positionals;
      checkEmpty(rest);
      const { label } = ctx.flags;
      if (idText === undefined && label === undefined) throw usageError("require either a secret URI or label");
      if (idText !== undefined && label !== undefined) {
        throw usageError("specify either a secret URI or label but not both");
      }
      const secret = findSecret(ctx.working, idText, label);
      // Only owned secrets have metadata for this unit (§2.16).
      if (secret === undefined || secret.owner === undefined) throw runtimeError(`secret "${idText ?? label}" not found`);
      const info = { revision: latestRevision(secret) };
      if (secret.label) info.label = secret.label;
      info.owner = secret.owner;
      if (secret.description) info.description = secret.description;
      if (secret.rotation) info.rotation = secret.rotation;
      if (secret.expiry) info.expiry = secret.expiry;
      // Keyed by the bare xid, without `secret:`.
      ctx.out({ [secretXid(secret.id)]: info }, { keepFieldOrder: true });
    },
  },

  "secret-ids": {
    formatted: true,
    run(ctx) {
      checkEmpty(ctx.positionals);
      const owned = ctx.working.secrets
        .filter((secret) => secret.owner !== undefined)
        .map((secret) => secretXid(secret.id))
        .sort();
      // Juju serialises a nil slice: `null`, not `[]`, when there are none.
      ctx.out(owned.length === 0 ? null : owned);
    },
  },

  "state-get": {
    flags: flag("strict", true),
    formatted: true,
    run(ctx) {
      const [key, ...rest] = ctx.positionals;
      checkEmpty(rest);
      const values = ctx.working.unitState;
      if (key === undefined || key === "-") return ctx.out(values);
      if (!(key in values)) {
        if (ctx.flags.strict) throw runtimeError(`"${key}" not found`);
        return ctx.out("");
      }
      return ctx.out(values[key]);
    },
  },

  "state-set": {
    flags: flag("file"),
    run(ctx) {
      const changes = { ...readFileArgument(ctx.flags.file), ...parseKeyValues(ctx.positionals) };
      for (const [key, value] of Object.entries(changes)) {
        if (Buffer.byteLength(key) > 256) throw runtimeError(`key "${key.slice(0, 32)}…" exceeds 256 bytes`);
        if (Buffer.byteLength(value) > 65536) throw runtimeError(`value for key "${key}" exceeds 64 KiB`);
      }
      ctx.working.unitState = bagSet(ctx.working.unitState, changes);
      ctx.saveWorking();
    },
  },

  "state-delete": {
    run(ctx) {
      const [key, ...rest] = ctx.positionals;
      if (key === undefined) throw usageError("no key specified");
      checkEmpty(rest);
      const next = { ...ctx.working.unitState };
      delete next[key];
      ctx.working.unitState = next;
      ctx.saveWorking();
    },
  },
};

function portChangeCommand(change) {
  return {
    flags: flag("endpoints"),
    run(ctx) {
      const [spec, ...rest] = ctx.positionals;
      if (spec === undefined) throw usageError("no port or range specified");
      checkEmpty(rest);
      const range = parsePortSpec(spec, ctx.agent.state.model.type);
      const text = portText(range);
      const current = ctx.working.openedPorts;
      if (change === "open") {
        if (current.includes(text)) return; // Opening an open port is a no-op.
        for (const other of current.map((port) => parsePortSpec(port, "machine"))) {
          const overlaps =
            other.protocol === range.protocol && other.protocol !== "icmp" && other.from <= range.to && range.from <= other.to;
          if (overlaps) {
            const unit = ctx.agent.state.unitName;
            throw runtimeError(
              `cannot open ${text} (unit "${unit}"): port range conflicts with ${portText(other)} (unit "${unit}") requested earlier`,
            );
          }
        }
        ctx.working.openedPorts = [...current, text];
      } else {
        ctx.working.openedPorts = current.filter((port) => port !== text);
      }
      ctx.saveWorking();
    },
  };
}

function secretAccessCommand(change) {
  return {
    flags: { ...RELATION_FLAG, ...flag("unit"), ...(change === "revoke" ? flag("app") : {}) },
    run(ctx) {
      const [idText, ...rest] = ctx.positionals;
      if (idText === undefined) throw usageError("missing secret URI");
      checkEmpty(rest);
      if (ctx.flags.relation === undefined && ctx.flags.app === undefined) throw usageError("missing relation or application");
      const relation = ctx.flags.relation === undefined ? undefined : resolveRelation(ctx.agent, ctx.flags.relation);
      const unit = ctx.flags.unit;
      if (relation !== undefined && unit !== undefined && appOf(unit) !== relation.remoteApp) {
        throw usageError(`cannot specify unit "${unit}" which is not a member of application "${relation.remoteApp}"`);
      }
      const found = findSecret(ctx.working, idText);
      if (found === undefined) throw runtimeError(`secret "${idText}" not found`);
      checkCanManage(ctx.agent, found);
      const grantee = unit ?? ctx.flags.app ?? relation.remoteApp;
      const key = String(relation?.id ?? ctx.flags.app);
      // Recorded, not applied: Juju keeps a hook's grants and revokes in two lists
      // (runner/context/secrets.go `grant`, `revoke`) and its flush sends the grants first, then the
      // revokes (context.go doFlush), so the driver commits them in that order, not in call order.
      const pending = change === "grant" ? "secretGrants" : "secretRevokes";
      ctx.working[pending] = [...ctx.working[pending], { id: found.id, key, grantee }];
      ctx.saveWorking();
    },
  };
}

// ---------------------------------------------------------------- main

function main() {
  const command = basename(process.argv[1]);
  const argv = process.argv.slice(2);
  // Every call of the running hook is recorded, failed ones included; none once the hook is over.
  if (statePath && existsSync(statePath)) appendFileSync(callsPath, `${JSON.stringify({ command, args: argv })}\n`);
  const definition = COMMANDS[command];
  if (definition === undefined) throw runtimeError(`unknown hook command "${command}"`);
  const spec = { ...(definition.formatted ? FORMAT_FLAGS : flag("help", true, "h")), ...(definition.flags ?? {}) };
  const { flags, positionals } = parseArgv(argv, spec);
  if (flags.help) {
    process.stdout.write(`Usage: ${command} [options]\n`);
    return;
  }
  const format = definition.formatted ? checkFormat(flags.format) : "smart";
  const agent = loadAgent();
  let working;
  const ctx = {
    agent,
    get working() {
      working ??= loadWorking(agent);
      return working;
    },
    flags,
    positionals,
    format,
    out(value, options) {
      const text = render(value, format, options);
      if (flags.output !== undefined) writeFileSync(flags.output, text);
      else process.stdout.write(text);
    },
    saveWorking() {
      writeFileSync(pendingPath, JSON.stringify(working));
    },
    saveAgent() {
      writeFileSync(statePath, JSON.stringify(agent));
    },
  };
  definition.run(ctx);
}

try {
  main();
} catch (error) {
  if (!(error instanceof ToolExit)) throw error;
  process.stderr.write(`ERROR ${error.message}\n`);
  process.exitCode = error.code;
}
