/**
 * What the pool's plan task is given (tasks.ts runs it; optimise.ts sends it): a scenario, or its
 * body's text, and what the thread tells the event loop before it builds.
 */
import type { MessagePort } from 'node:worker_threads';
import type { PipelineOptions } from '../core/pipeline.ts';
import type { Scenario } from '../core/schema.ts';
import type { CancelFlag } from './cancel.ts';
import type { NetworkRef } from './networks.ts';

export interface PlanTask {
  /** The scenario, read and validated; absent when `body` carries it as text. */
  readonly scenario?: Scenario;
  /** The scenario as its request's body text, read here rather than on the event loop (a large body). */
  readonly body?: PlanBody;
  /** The scenario's network; with `body`, the default network, for a scenario without one of its own. */
  readonly network: NetworkRef;
  readonly options: Omit<PipelineOptions, 'now' | 'sha256'>;
  /** Epoch ms by which every solve of the pipeline must be over (the request's time limit). */
  readonly deadline: number;
  /** Also return the plan as JSON text, serialised here rather than on the event loop. */
  readonly json?: boolean;
  /** false: leave out the flows' GeoJSON (the lighter plan). */
  readonly flows?: boolean;
  /** Where to post the stopped plan's inputsHash before the model is built (large models). */
  readonly started?: MessagePort;
  /** Read before each solve: a cancelled plan stops there (cancel.ts). */
  readonly cancel?: CancelFlag;
  /**
   * Check the scenario against its network first (consistency.ts), as a route does before it
   * answers: a scenario that cannot be a model gets its problems back, not a plan. Here rather than
   * on the event loop, where a network of half a megabyte took it tens of milliseconds.
   */
  readonly check?: boolean;
}

/** A scenario's body text and what the route would have applied to the scenario it read. */
export interface PlanBody {
  readonly text: string;
  /** The service's ceiling on a scenario's `timeLimitMs`. */
  readonly maxSolveMs: number;
  /** Epoch ms when the request arrived: the time limit counts from there. */
  readonly receivedAt: number;
  /** Largest model (variables) the service builds. */
  readonly maxModelVariables: number;
}

/**
 * What a thread that read a body posts on `started` before anything else: the scenario without its
 * network (what a stopped plan reports), its capped time limit (when to stop the thread), and the
 * inputsHash a stopped plan carries.
 */
export interface BodyRead {
  readonly read: { readonly scenario: Scenario; readonly timeLimitMs: number; readonly inputsHash: string };
}

