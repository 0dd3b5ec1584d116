// Jest global setup for every suite that serves the demo page: builds the page's bundle
// (dist/chat-session.js, a few hundred milliseconds) so it always matches the client's sources.
const { buildChatSession } = require('./build-chat-session.cjs');

module.exports = function ensureChatPage() {
  buildChatSession();
};
