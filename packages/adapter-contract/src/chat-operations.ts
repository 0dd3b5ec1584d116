// Jest-free, so the bench can import it outside Jest.
/**
 * The seed's "All Chat features" row as Ably operations, sorted: written here by hand, never
 * imported from core, so tests do not let core's compiler grade its own work.
 */
export const ALL_CHAT_OPERATIONS: readonly string[] = Object.freeze([
  'annotation-publish',
  'annotation-subscribe',
  'channel-metadata',
  'history',
  'message-delete-own',
  'message-update-own',
  'presence',
  'publish',
  'subscribe',
]);
