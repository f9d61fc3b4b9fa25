/** Each hook is a span sent over OTLP/HTTP; sending never fails the hook nor holds it past a deadline. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { type IncomingMessage, type Server, createServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Charm } from "../../src/juju/charm.js";
import { dispatch } from "../../src/juju/charm.js";
import { renderHookEnv } from "../../src/juju/context.js";
import { type HookSpan, exportHookSpan, otlpTraceRequest } from "../../src/juju/hook-tracing.js";
import { MemoryBackend, relation, state, worldFromState } from "../../src/testing/index.js";
import { exampleCharm } from "../fixtures/example-charm.js";
import { realComponent } from "../helpers/real-component.js";

interface Received {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: any;
}

const servers: (Server | import("node:https").Server)[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A local OTLP/HTTP receiver: answers `status` (or never, with `status` = "silent"). */
async function receiver(status: number | "silent" = 200): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let text = "";
    request.on("data", (chunk) => (text += chunk));
    request.on("end", () => {
      received.push({ path: request.url ?? "", contentType: request.headers["content-type"], body: JSON.parse(text) });
      if (status !== "silent") response.writeHead(status).end("{}");
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, received };
}

/** A port nothing listens on: one a server held and let go. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const SPAN: HookSpan = {
  hook: "config-changed",
  unit: "tempo/0",
  app: "tempo",
  model: "cos",
  modelUuid: "u-1",
  charm: "tempo-coordinator",
  startUnixNano: 1_700_000_000_000_000_000n,
  endUnixNano: 1_700_000_000_250_000_000n,
  outcome: "ok",
  hookCommands: 7,
};

const attributes = (list: { key: string; value: { stringValue?: string; intValue?: string } }[]) =>
  Object.fromEntries(list.map(({ key, value }) => [key, value.stringValue ?? value.intValue]));

describe("the OTLP/JSON request for a hook", () => {
  it("carries one span named for the hook, with unit, outcome, hook-command count and the unit's topology", () => {
    const request = otlpTraceRequest(SPAN, { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331" }) as any;
    const resource = request.resourceSpans[0].resource;
    expect(attributes(resource.attributes)).toEqual({
      "service.name": "tempo",
      juju_application: "tempo",
      juju_charm: "tempo-coordinator",
      juju_model: "cos",
      juju_model_uuid: "u-1",
      juju_unit: "tempo/0",
    });
    const span = request.resourceSpans[0].scopeSpans[0].spans[0];
    expect(span).toMatchObject({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      name: "config-changed",
      startTimeUnixNano: "1700000000000000000",
      endTimeUnixNano: "1700000000250000000",
      status: { code: 1 },
    });
    expect(attributes(span.attributes)).toEqual({ "juju.hook": "config-changed", "juju.unit": "tempo/0", "hook.outcome": "ok", "hook.commands": "7" });
  });

  it("marks a failed hook's span as an error with its message", () => {
    const request = otlpTraceRequest({ ...SPAN, outcome: "error", error: "boom" }) as any;
    expect(request.resourceSpans[0].scopeSpans[0].spans[0].status).toEqual({ code: 2, message: "boom" });
  });
});

describe("exporting a span", () => {
  it("POSTs JSON to <endpoint>/v1/traces", async () => {
    const otlp = await receiver();
    expect(await exportHookSpan({ url: `${otlp.url}/` }, SPAN)).toEqual({ kind: "sent" });
    expect(otlp.received).toHaveLength(1);
    expect(otlp.received[0]).toMatchObject({ path: "/v1/traces", contentType: "application/json" });
  });

  it("drops the span when nothing listens", async () => {
    const outcome = await exportHookSpan({ url: await closedPort() }, SPAN);
    expect(outcome.kind).toBe("dropped");
  });

  it("drops the span when the receiver never answers, at the deadline", async () => {
    const otlp = await receiver("silent");
    expect(await exportHookSpan({ url: otlp.url }, SPAN, 200)).toEqual({ kind: "dropped", reason: "no answer within 200 ms" });
  });

  it("drops the span when the receiver refuses it", async () => {
    const otlp = await receiver(503);
    expect(await exportHookSpan({ url: otlp.url }, SPAN)).toEqual({ kind: "dropped", reason: "receiver answered 503" });
  });
});

const openssl = realComponent("openssl");

describe.skipIf(!openssl.available)(`exporting over https to a receiver with a private CA (${openssl.reason})`, () => {
  /** A CA and a certificate it signed for 127.0.0.1 and localhost, made with the real openssl. */
  function privateCa(): { ca: string; key: string; cert: string } {
    const dir = mkdtempSync(path.join(tmpdir(), "otlp-tls-"));
    const run = (args: string[]) => execFileSync(openssl.path, args, { cwd: dir, stdio: "ignore" });
    run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=test-ca", "-days", "1"]);
    run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=receiver"]);
    writeFileSync(path.join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    run(["x509", "-req", "-in", "srv.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "srv.crt", "-days", "1", "-extfile", "san.ext"]);
    const read = (name: string) => readFileSync(path.join(dir, name), "utf8");
    return { ca: read("ca.crt"), key: read("srv.key"), cert: read("srv.crt") };
  }

  it("sends the span when told the receiver's CA, and drops it when not", async () => {
    const { ca, key, cert } = privateCa();
    let received = 0;
    const serverNames: (string | false | null)[] = [];
    const server = createHttpsServer({ key, cert }, (request, response) => {
      serverNames.push((request.socket as import("node:tls").TLSSocket).servername);
      request.resume();
      request.on("end", () => {
        received += 1;
        response.writeHead(200).end("{}");
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const url = `https://127.0.0.1:${port}`;
    expect(await exportHookSpan({ url, caCerts: [ca] }, SPAN)).toEqual({ kind: "sent" });
    expect((await exportHookSpan({ url }, SPAN)).kind).toBe("dropped");
    expect(received).toBe(1);
    // A name is sent as the TLS server name and the certificate is checked against it; an IP is not sent.
    expect(await exportHookSpan({ url: `https://localhost:${port}`, caCerts: [ca] }, SPAN)).toEqual({ kind: "sent" });
    expect(serverNames).toEqual([false, "localhost"]);
  }, 30_000);
});

function setup() {
  const api = relation({ endpoint: "example-api", id: 3, remoteApp: "client" });
  const unitWorld = worldFromState(exampleCharm.meta, state({ leader: true, relations: [api] }));
  const backend = new MemoryBackend(unitWorld.world, { unit: unitWorld.unitName });
  const env = renderHookEnv({ unitName: "example/0", appName: "example", modelName: "m", modelUuid: "u", jujuVersion: "3.6.14", event: { kind: "config-changed" } });
  return { backend, env };
}

const traced = (endpoint: string, reconcile: Charm["reconcile"] = exampleCharm.reconcile): Charm => ({
  meta: exampleCharm.meta,
  reconcile,
  tracingEndpoint: () => ({ url: endpoint }),
});

describe("dispatch with charm tracing", () => {
  it("sends one span per hook with the hook's name, unit and the hook commands it ran", async () => {
    const otlp = await receiver();
    const { backend, env } = setup();
    const codes: number[] = [];
    await dispatch(traced(otlp.url), { env, backend, exit: (code) => codes.push(code) });
    expect(codes).toEqual([0]);
    const span = otlp.received[0]!.body.resourceSpans[0].scopeSpans[0].spans[0];
    const spanAttributes = attributes(span.attributes);
    expect(spanAttributes).toMatchObject({ "juju.hook": "config-changed", "juju.unit": "example/0", "hook.outcome": "ok" });
    expect(Number(spanAttributes["hook.commands"])).toBe(backend.record.calls.length);
    expect(BigInt(span.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(span.startTimeUnixNano));
  });

  it("sends a failed hook's span as an error and still exits 1", async () => {
    const otlp = await receiver();
    const { backend, env } = setup();
    const codes: number[] = [];
    const stderr = process.stderr.write;
    process.stderr.write = () => true;
    try {
      await dispatch(traced(otlp.url, async () => { throw new Error("cannot render config"); }), { env, backend, exit: (code) => codes.push(code) });
    } finally {
      process.stderr.write = stderr;
    }
    expect(codes).toEqual([1]);
    expect(otlp.received[0]!.body.resourceSpans[0].scopeSpans[0].spans[0].status).toEqual({ code: 2, message: "cannot render config" });
  });

  it("completes the hook and logs one line when the receiver is away", async () => {
    const { backend, env } = setup();
    const codes: number[] = [];
    await dispatch(traced(await closedPort()), { env, backend, exit: (code) => codes.push(code) });
    expect(codes).toEqual([0]);
    expect(backend.record.logs).toEqual([{ level: "INFO", message: expect.stringContaining("hook span dropped") }]);
  });

  it("sends nothing for a charm that names no endpoint", async () => {
    const otlp = await receiver();
    const { backend, env } = setup();
    await dispatch({ ...traced(otlp.url), tracingEndpoint: () => undefined }, { env, backend, exit: () => undefined });
    expect(otlp.received).toEqual([]);
  });
});
