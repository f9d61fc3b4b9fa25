/**
 * `tempo-cluster render <cluster.yaml|-> [--json]`: the Tempo config a coordinator would publish
 * for a cluster description, byte for byte. The description is turned into the inputs the
 * coordinator charm gathers from Juju and run through the charm's own decision (`desiredState`),
 * so there is no second implementation to drift from the charm.
 */
import { desiredState } from "../../charms/coordinator/desired-state.js";
import { coordinatorInputsFromDescription } from "../cluster-description.js";
import { type CliCommand, EXIT } from "../command.js";
import { readInputText } from "../input-text.js";
import { parseYamlInput } from "../yaml-input.js";

export const command: CliCommand = {
  name: "render",
  summary: "Render the Tempo config a coordinator would publish for a cluster description.",
  usage: "render <cluster.yaml|-> [--json]",
  description: `Reads a cluster description (YAML or JSON, a file or - for standard input) and prints the
worker_config the coordinator would publish to every worker: the same YAML bytes.

A cluster description:

  model: cos                      # Juju model (Kubernetes namespace); default cos
  model_uuid: 7d3c1f4e-...        # used in the memberlist cluster_label
  coordinator: tempo              # the coordinator application's name; default tempo
  version: "2.7"                  # Tempo minor version (coordinator option tempo-version)
  config: {retention-period: 168} # any other coordinator config options
  storage:                        # "local" (a single "all" unit only) or the s3 provider's data
    s3: {endpoint: http://minio:9000, bucket: tempo, access-key: AK, secret-key: SK}
  receivers: [otlp_grpc, zipkin]  # requested over tracing, on top of always_enable_* options
  tls: {ca_cert: ..., server_cert: ..., privkey_secret_id: secret:..., server_name: tempo.cos.svc}
  remote_write: [{url: http://prometheus:9090/api/v1/write}]
  workers:
    - app: tempo-ingester
      role: ingester              # all, querier, query-frontend, ingester, distributor, compactor, metrics-generator
      units:                      # addresses (units named <app>/0, /1, ...) or {name, address}
        - tempo-ingester-0.tempo-ingester-endpoints.cos.svc.cluster.local

Exit codes: 0 the config was rendered; 1 the coordinator would publish nothing (its status and
problems are printed, e.g. a missing role); 2 the description cannot be read or is invalid.`,
  options: [
    {
      name: "json",
      type: "boolean",
      description: "Print {status, problems, worker_config, relations: [{relation_id, app, databag}]} as JSON.",
    },
  ],
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const input = await readInputText(args.positionals[0] ?? "-", io);
    if (input.kind === "unreadable") {
      io.stderr(`tempo-cluster render: ${input.message}\n`);
      return EXIT.usage;
    }
    const document = parseYamlInput(input.text);
    if (document.kind === "invalid") {
      io.stderr(`tempo-cluster render: ${input.source} is not valid YAML:\n${document.reasons.map((reason) => `  ${reason}`).join("\n")}\n`);
      return EXIT.usage;
    }
    const described = coordinatorInputsFromDescription(document.value);
    if (described.kind === "invalid") {
      io.stderr(
        `tempo-cluster render: ${input.source} is not a valid cluster description:\n${described.reasons.map((reason) => `  ${reason}`).join("\n")}\n` +
          "See `tempo-cluster render --help` for the format.\n",
      );
      return EXIT.usage;
    }

    const desired = desiredState(described.inputs);
    if (args.flags.json) {
      const report = {
        status: desired.status,
        problems: desired.problems,
        worker_config: desired.workerConfig ?? null,
        relations: desired.publications.map((publication) => ({ relation_id: publication.relationId, app: publication.app, databag: publication.databag })),
      };
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      return desired.workerConfig === undefined ? EXIT.problems : EXIT.ok;
    }
    if (desired.workerConfig === undefined) {
      const { style } = io;
      const lines = desired.problems.map((problem) => `  ${problem.severity}: ${problem.message}`);
      io.stderr(
        `tempo-cluster render: the coordinator would publish no config; its status would be\n` +
          `  ${style.bold(desired.status.status)}: ${desired.status.message}\n` +
          (lines.length > 1 ? `Problems:\n${lines.join("\n")}\n` : ""),
      );
      return EXIT.problems;
    }
    io.stdout(desired.workerConfig);
    return EXIT.ok;
  },
};
