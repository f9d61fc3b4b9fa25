/** The bundle entry of the tempo-worker charm: Juju runs `dispatch`, which runs this. */
import { dispatch } from "../../juju/charm.js";
import { workerCharm } from "./charm.js";

await dispatch(workerCharm);
