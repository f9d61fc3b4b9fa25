/** The coordinator charm's process entry: what the bundled `dispatch` runs for every hook. */
import { dispatch } from "../../juju/charm.js";
import { coordinatorCharm } from "./charm.js";

await dispatch(coordinatorCharm);
