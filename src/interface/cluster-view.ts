/**
 * The provider's picture of the cluster, derived from every worker relation's databags.
 *
 * It is the hand-off between the interface (which parses untrusted databags into it) and the Tempo
 * builder (which renders a config from it), so it holds only validated, normalised data and keeps
 * what was rejected, with reasons, for the coordinator's status.
 */
import type { Role } from "./roles.js";

export interface WorkerTopology {
  readonly application: string;
  readonly unit: string | null;
  readonly charm_name: string | null;
  readonly model?: string;
  readonly model_uuid?: string;
}

export interface WorkerUnit {
  /** Juju unit name, `app/n`. */
  readonly name: string;
  /** Normalised host: a bare FQDN, IPv4 or IPv6 address (no port, scheme or brackets). */
  readonly address: string;
  readonly topology: WorkerTopology;
}

/** A worker application that takes part: a valid role and at least one valid unit. */
export interface WorkerApplication {
  readonly relationId: number;
  readonly application: string;
  readonly role: Role;
  /** Sorted by unit name. */
  readonly units: readonly WorkerUnit[];
}

/** An application or unit left out of the cluster, and why (for status and `doctor`). */
export interface Rejection {
  readonly relationId: number;
  readonly application: string;
  /** Absent when the whole application is rejected. */
  readonly unit?: string;
  readonly reasons: readonly string[];
}

export interface ClusterView {
  /** Sorted by application name. */
  readonly applications: readonly WorkerApplication[];
  /** Sorted by application, then unit (an application's own rejection before its units'). */
  readonly rejected: readonly Rejection[];
}
