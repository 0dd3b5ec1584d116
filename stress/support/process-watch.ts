/* Tracks unhandled rejections and uncaught exceptions for the duration of a scenario.
 * Jest gives each test file a copy of `process` whose listeners never fire: Node reports both
 * events on the real process object. `Buffer` is injected from the host realm, so its Function
 * constructor evaluates in the host realm, where `process` is the real one. */

const hostProcess = (Buffer as unknown as { constructor: (body: string) => () => unknown }).constructor('return process')() as NodeJS.Process;

export interface ProcessWatch {
  readonly unhandledRejections: unknown[];
  readonly uncaughtExceptions: unknown[];
  /** Stops listening (call in afterAll). */
  stop(): void;
}

export function watchProcess(): ProcessWatch {
  const unhandledRejections: unknown[] = [];
  const uncaughtExceptions: unknown[] = [];
  const onRejection = (reason: unknown) => unhandledRejections.push(reason);
  const onException = (error: unknown) => uncaughtExceptions.push(error);
  hostProcess.on('unhandledRejection', onRejection);
  hostProcess.on('uncaughtException', onException);
  return {
    unhandledRejections,
    uncaughtExceptions,
    stop() {
      hostProcess.off('unhandledRejection', onRejection);
      hostProcess.off('uncaughtException', onException);
    },
  };
}
