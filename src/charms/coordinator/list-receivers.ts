/**
 * The `list-receivers` action: where to send traces, one result key per enabled receiver, as the
 * Python coordinator answers it (anchor §1.3): the protocol with `_` turned into `-` (`otlp-http`),
 * HTTP receivers as `scheme://host:port`, gRPC ones as `host:port`, through the front door.
 */
import type { ReceiverProtocol } from "../../interface/ports.js";
import type { FrontDoor } from "./front-door.js";
import { mostExternal } from "./front-door.js";
import { receiverUrl } from "./integrations/tracing-receivers.js";

export const LIST_RECEIVERS_ACTION = "list-receivers";

export function listReceiversResults(enabled: readonly ReceiverProtocol[], door: FrontDoor): Record<string, string> {
  const results: Record<string, string> = {};
  for (const protocol of [...enabled].sort()) results[protocol.replaceAll("_", "-")] = receiverUrl(protocol, mostExternal(door));
  return results;
}
