/** A signal that fires the moment the engine subscribes to it: after every TS check, before C++ runs. */
export function signalFiringOnSubscribe(): AbortSignal {
  const controller = new AbortController();
  const subscribe = controller.signal.addEventListener.bind(controller.signal);
  controller.signal.addEventListener = ((...args: Parameters<typeof subscribe>) => {
    subscribe(...args);
    controller.abort(new Error('stop'));
  }) as typeof subscribe;
  return controller.signal;
}
