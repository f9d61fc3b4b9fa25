/**
 * Runs the nginx exporter (`nginx-prometheus-exporter` container) from the layer in
 * `cos/nginx-exporter.ts`. The layer is added only when the plan's service differs from it, so a
 * steady hook makes one Pebble call (the plan read) and never restarts the exporter. A container
 * whose Pebble is not up yet is left for its `pebble-ready` hook, which runs this reconcile again.
 */
import { PebbleApiError, PebbleConnectionError } from "../../../juju/pebble.js";
import { NGINX_EXPORTER_CONTAINER, NGINX_EXPORTER_SERVICE, nginxExporterLayer } from "../cos/nginx-exporter.js";
import type { CoordinatorIntegration } from "../integrations.js";

export const nginxExporterIntegration: CoordinatorIntegration = {
  name: "nginx-exporter",
  gather: () => ({}),
  async applyWorkload(model): Promise<void> {
    // A charm built without the container, or a runtime with no Pebble for it (the harness without
    // containers in its state), has nothing to run; the nginx front door treats its container alike.
    if (!model.meta.containers?.[NGINX_EXPORTER_CONTAINER]) return;
    const pebble = model.containerIfAvailable(NGINX_EXPORTER_CONTAINER);
    if (!pebble) return;
    const layer = nginxExporterLayer();
    const wanted = layer.services?.[NGINX_EXPORTER_SERVICE];
    try {
      const plan = await pebble.getPlan();
      if (plan.services[NGINX_EXPORTER_SERVICE]?.command === wanted?.command) return;
      await pebble.addLayer(NGINX_EXPORTER_SERVICE, layer, { combine: true });
      await pebble.replan();
    } catch (error) {
      if (!(error instanceof PebbleConnectionError || error instanceof PebbleApiError)) throw error;
      model.log("INFO", `nginx exporter not started yet (${error.message}); it starts when its container is ready`);
    }
  },
};
