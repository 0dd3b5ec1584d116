// Test-only: the app's auth, reduced to session ids in a cookie and users in memory.
export const sessions = new Map();
