/**
 * The page's in-browser optimiser, off the main thread: the same pipeline as the server, solved with
 * javascript-lp-solver (server/core/optimise-browser.ts). The page posts the network once and then a
 * scenario per solve; the answer is the plan, or the error's message. The solver's tableaux are kept
 * for the network's models, so a slider's steps only write their numbers into them.
 */
import { createLiveOptimiser } from '../../server/core/optimise-browser.ts';
import type { Network } from '../../server/core/schema.ts';
import type { FromWorker, ToWorker } from './optimiser-protocol.ts';

/** The worker's global scope, typed without the WebWorker lib (the page's tsconfig has DOM). */
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
};

const networks = new Map<number, Network>();
let optimise = createLiveOptimiser();

scope.onmessage = async (event) => {
  const message = event.data;
  if (message.kind === 'network') {
    networks.clear();
    networks.set(message.networkId, message.network);
    optimise = createLiveOptimiser();
    return;
  }
  const network = networks.get(message.networkId);
  if (!network) {
    scope.postMessage({ id: message.id, ok: false, message: 'the network was not sent to the worker' });
    return;
  }
  try {
    const plan = await optimise(message.scenario, network, message.options);
    scope.postMessage({ id: message.id, ok: true, plan });
  } catch (err) {
    scope.postMessage({ id: message.id, ok: false, message: err instanceof Error ? err.message : String(err) });
  }
};
