/* The demo chat page: sign in, fetch Ably tokens through @ably-chat-auth/client's authCallback,
 * chat in `lobby`, and show what the current token allows. Plain browser JavaScript over the
 * `Ably`, `AblyChat` and `AblyChatAuth` globals of the served builds. */
'use strict';

(function () {
  var ROOM_NAME = 'lobby';
  // Core's Chat feature table, the routes and the dev key's name, embedded by the server as JSON.
  var PAGE_DATA = JSON.parse(document.getElementById('chat-page-data').textContent);
  var CHAT_FEATURES = PAGE_DATA.features;
  var ROUTES = PAGE_DATA.routes;

  var $ = function (id) {
    return document.getElementById(id);
  };

  /** The current Ably session: the Realtime client, the chat client, the room and its subscriptions. */
  var session = null;
  var tokenFetches = 0;
  var expiryTimer = null;

  // ---------------------------------------------------------------- token decoding and features

  function base64UrlDecode(part) {
    var base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    while (base64.length % 4) base64 += '=';
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new TextDecoder().decode(bytes);
  }

  /** Reads an Ably JWT without verifying it (the browser has no key, and needs none to display it). */
  function decodeToken(jwt) {
    var parts = jwt.split('.');
    if (parts.length !== 3) throw new Error('The token route did not answer with a JWT.');
    var header = JSON.parse(base64UrlDecode(parts[0]));
    var payload = JSON.parse(base64UrlDecode(parts[1]));
    var capability = payload['x-ably-capability'];
    return {
      keyName: header.kid,
      clientId: payload['x-ably-clientId'],
      issuedAt: payload.iat * 1000,
      expiresAt: payload.exp * 1000,
      capability: typeof capability === 'string' ? JSON.parse(capability) : capability || {},
      userClaims: userClaimsOf(payload),
    };
  }

  // ---------------------------------------------------------------- user claims

  /** The token's Chat user claims (`ably.room.<pattern>` string claims), pattern -> value. */
  function userClaimsOf(payload) {
    var claims = Object.create(null);
    Object.keys(payload).forEach(function (name) {
      if (name.indexOf('ably.room.') === 0 && typeof payload[name] === 'string') claims[name.slice('ably.room.'.length)] = payload[name];
    });
    return claims;
  }

  /** Ably's wildcard rule for room patterns (as core's resourceMatches): '*' replaces whole segments. */
  function patternMatches(pattern, room) {
    if (pattern === '*' || pattern === room) return true;
    var p = pattern.split(':');
    var r = room.split(':');
    for (var i = 0; i < p.length; i++) {
      if (p[i] === '*' && i === p.length - 1) return r.length > i;
      if (i >= r.length) return false;
      if (p[i] !== '*' && p[i] !== r[i]) return false;
    }
    return p.length === r.length;
  }

  /** Specificity as core's userClaimFor ranks it: exact, then literal leading segments, literal segments, segments; '*' last. */
  function specificity(pattern) {
    var segments = pattern.split(':');
    var leading = 0;
    while (leading < segments.length && segments[leading] !== '*') leading++;
    var literal = segments.filter(function (s) {
      return s !== '*';
    }).length;
    return [segments.indexOf('*') === -1 ? 1 : 0, leading, literal, segments.length];
  }

  function moreSpecific(a, b) {
    var ra = specificity(a);
    var rb = specificity(b);
    for (var i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] > rb[i];
    return a < b;
  }

  /** The user claim Ably Chat attaches in `room`: `{ pattern, value }` of the most specific matching pattern, or null. */
  function userClaimFor(userClaims, room) {
    var best = null;
    Object.keys(userClaims).forEach(function (pattern) {
      if (patternMatches(pattern, room) && (best === null || moreSpecific(pattern, best))) best = pattern;
    });
    return best === null ? null : { pattern: best, value: userClaims[best] };
  }

  /** A claim's display name and role, when it is a JSON object that has them; a plain string claim has neither. */
  function claimFields(value) {
    try {
      var parsed = JSON.parse(value);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        return {
          displayName: typeof parsed.display_name === 'string' ? parsed.display_name : undefined,
          role: typeof parsed.role === 'string' ? parsed.role : undefined,
        };
      }
    } catch {
      // Not JSON: a plain string claim.
    }
    return {};
  }

  /** Who sent a message, as others see it: the server-signed display name (message.userClaim), else the clientId. */
  function senderName(message) {
    var fields = typeof message.userClaim === 'string' ? claimFields(message.userClaim) : {};
    return fields.displayName || message.clientId;
  }

  /** "What others see about you" in a room: the claim's display name and role, or its raw text. */
  function describeClaim(applied) {
    if (!applied) return 'nothing (no user claim applies)';
    var fields = claimFields(applied.value);
    if (fields.displayName === undefined && fields.role === undefined) return applied.value === '' ? '(empty claim)' : applied.value;
    return (fields.displayName || '(no name)') + (fields.role ? ' \u00b7 ' + fields.role : '');
  }

  // Read by the end-to-end test, which checks these against core on the same token.
  window.chatPageClaims = { userClaimFor: userClaimFor, senderName: senderName, describeClaim: describeClaim };

  /** The Chat features a room's operations fully enable, in the table's order (as core's featuresOfOperations). */
  function featuresOf(operations) {
    var all = operations.indexOf('*') !== -1;
    return Object.keys(CHAT_FEATURES).filter(function (feature) {
      return (
        all ||
        CHAT_FEATURES[feature].every(function (op) {
          return operations.indexOf(op) !== -1;
        })
      );
    });
  }

  function showToken(jwt) {
    var token = decodeToken(jwt);
    tokenFetches += 1;
    $('token-empty').hidden = true;
    $('token-details').hidden = false;
    $('token-client-id').textContent = token.clientId || '(none)';
    $('token-key').textContent = token.keyName || '(no kid)';
    $('dev-key-note').hidden = token.keyName !== PAGE_DATA.devKeyName;
    $('token-fetched').textContent =
      new Date().toLocaleTimeString() + ' by the SDK\u2019s authCallback' + (tokenFetches > 1 ? ' (' + tokenFetches + ' tokens so far)' : '');
    $('token-raw').textContent = jwt;
    var rows = $('token-rooms');
    rows.replaceChildren();
    Object.keys(token.capability)
      .sort()
      .forEach(function (pattern) {
        var tr = document.createElement('tr');
        tr.dataset.room = pattern;
        var th = document.createElement('th');
        var code = document.createElement('code');
        code.textContent = pattern;
        th.appendChild(code);
        var td = document.createElement('td');
        var features = featuresOf(token.capability[pattern]);
        features.forEach(function (feature) {
          var chip = document.createElement('span');
          chip.className = 'chip';
          chip.textContent = feature;
          td.appendChild(chip);
        });
        if (features.length === 0) td.textContent = 'no complete Chat feature';
        td.title = 'Operations: ' + token.capability[pattern].join(', ');
        // What Ably Chat attaches to your messages, presence and reactions there (the claim's text is shown as text, never HTML).
        var applied = userClaimFor(token.userClaims, pattern);
        var seen = document.createElement('td');
        seen.className = 'claim';
        seen.textContent = describeClaim(applied);
        if (applied) {
          seen.dataset.pattern = applied.pattern;
          seen.title = 'From the user claim for \u2018' + applied.pattern + '\u2019: ' + applied.value;
        }
        tr.append(th, td, seen);
        rows.appendChild(tr);
      });
    clearInterval(expiryTimer);
    var renderExpiry = function () {
      var seconds = Math.round((token.expiresAt - Date.now()) / 1000);
      var when = new Date(token.expiresAt).toLocaleTimeString();
      $('token-expiry').textContent = seconds > 0 ? when + ' (in ' + formatDuration(seconds) + '; the SDK renews it before then)' : when + ' (expired)';
    };
    renderExpiry();
    expiryTimer = setInterval(renderExpiry, 1000);
  }

  function clearToken() {
    clearInterval(expiryTimer);
    tokenFetches = 0;
    $('token-empty').hidden = false;
    $('token-details').hidden = true;
    $('token-rooms').replaceChildren();
    $('token-raw').textContent = '';
  }

  function formatDuration(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return (m > 0 ? m + ' min ' : '') + s + ' s';
  }

  // ---------------------------------------------------------------- talking to the server

  /**
   * The SDK calls this whenever it needs a token: first connection, renewal, re-authentication.
   * @ably-chat-auth/client fetches the route and hands refusals to the SDK with their status, so
   * a 403 fails the connection instead of being retried; this wrapper only shows each new token.
   * A 401 stops the client too (`unauthenticated: 'stop'`): the page sends the user to its form.
   */
  var fetchToken = AblyChatAuth.createAuthCallback(ROUTES.token, {
    unauthenticated: 'stop',
    onUnauthenticated: function (error) {
      // No session (first visit, logged out elsewhere, or the server restarted): the login form.
      // End the client after the SDK has had its answer.
      setTimeout(endChat, 0);
      clearToken();
      showLogin(session && session.wasSignedIn ? 'Your session has ended (401): ' + error.message : undefined);
    },
    onForbidden: function (error) {
      showRefusal('Refused by the token route (403): ' + error.message + ' The Ably client will not retry.');
      // Also when the ban comes mid-session (on a renewal): the refusal stands alone.
      $('chat-grid').hidden = true;
      setSendEnabled(false);
      showSignedIn(null);
    },
  });

  function authCallback(tokenParams, callback) {
    fetchToken(tokenParams, function (error, token) {
      if (!error && typeof token === 'string') onToken(token);
      else if (error && error.statusCode !== 401 && error.statusCode !== 403) {
        showRefusal('The token route failed (' + error.statusCode + '): ' + error.message + ' The Ably client retries.');
      }
      callback(error, token);
    });
  }

  /** A token arrived: the user is signed in and allowed; now (and only now) the chat is shown. */
  function onToken(jwt) {
    showToken(jwt);
    if (session) session.wasSignedIn = true;
    $('refusal').hidden = true;
    $('chat-pending').hidden = true;
    $('chat-grid').hidden = false;
    showSignedIn(decodeToken(jwt).clientId);
  }

  async function postJson(url, body) {
    var response = await fetch(url, {
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    var data = null;
    if ((response.headers.get('Content-Type') || '').indexOf('json') !== -1) {
      data = await response.json().catch(function () {
        return null;
      });
    }
    return { response: response, data: data };
  }

  function errorText(data, response) {
    if (data && typeof data.error === 'string') return data.error;
    if (data && data.error && data.error.message) return data.error.message;
    return 'The server answered ' + response.status + (response.statusText ? ' ' + response.statusText : '') + '.';
  }

  // ---------------------------------------------------------------- views

  function showLogin(message) {
    $('session').hidden = true;
    $('session-user').textContent = '';
    $('chat-view').hidden = true;
    $('login-view').hidden = false;
    var error = $('login-error');
    error.hidden = !message;
    error.textContent = message || '';
    $('username').focus();
  }

  /** The chat view before its first token: only "getting your token"; room and presence wait for a token. */
  function showChatView(username) {
    $('login-view').hidden = true;
    $('chat-view').hidden = false;
    $('chat-grid').hidden = true;
    $('chat-pending').hidden = false;
    if (username) showSignedIn(username);
    $('refusal').hidden = true;
    $('messages').replaceChildren();
    $('typing').textContent = '';
    renderPresence([]);
    clearToken();
  }

  function showSignedIn(username) {
    $('session').hidden = false;
    if (username || !$('session-user').textContent) $('session-user').textContent = username || '(signed in)';
  }

  /** A refusal stands alone: no room, no presence, no Send button. */
  function showRefusal(text) {
    var el = $('refusal');
    el.textContent = text;
    el.hidden = false;
    $('chat-pending').hidden = true;
    if (!session || !session.wasSignedIn) $('chat-grid').hidden = true;
  }

  function showPageError(text) {
    var el = $('page-error');
    el.textContent = text;
    el.hidden = !text;
  }

  function showConnection(state, reason, retryIn) {
    var el = $('connection-state');
    el.dataset.state = state;
    el.textContent = state;
    var detail = $('connection-detail');
    var text = '';
    if (reason) text = reason.message + (reason.code ? ' (Ably error ' + reason.code + ')' : '');
    if (retryIn) text += (text ? ' ' : '') + 'Retrying in ' + Math.round(retryIn / 1000) + ' s.';
    detail.textContent = text;
    detail.hidden = !text;
  }

  function setSendEnabled(enabled) {
    $('message-input').disabled = !enabled;
    $('send-button').disabled = !enabled;
  }

  function messageElement(message) {
    var li = document.createElement('li');
    if (session && message.clientId === session.clientId) li.className = 'mine';
    var who = document.createElement('span');
    who.className = 'who';
    who.textContent = senderName(message);
    who.title = message.clientId;
    var when = document.createElement('time');
    when.textContent = message.timestamp ? new Date(message.timestamp).toLocaleTimeString() : '';
    var text = document.createElement('span');
    text.className = 'text';
    text.textContent = message.text;
    li.append(who, when, text);
    return li;
  }

  function appendMessage(message) {
    var list = $('messages');
    list.appendChild(messageElement(message));
    list.scrollTop = list.scrollHeight;
  }

  function renderPresence(clientIds) {
    var list = $('presence');
    list.replaceChildren();
    if (clientIds.length === 0) {
      var empty = document.createElement('li');
      empty.className = 'muted';
      empty.textContent = 'nobody yet';
      list.appendChild(empty);
      return;
    }
    clientIds.forEach(function (id) {
      var li = document.createElement('li');
      li.textContent = id;
      list.appendChild(li);
    });
  }

  function renderTyping(clientIds) {
    var others = clientIds.filter(function (id) {
      return !session || id !== session.clientId;
    });
    $('typing').textContent = others.length === 0 ? '' : others.join(', ') + (others.length === 1 ? ' is typing\u2026' : ' are typing\u2026');
  }

  // ---------------------------------------------------------------- chat

  function startChat(username) {
    endChat();
    showChatView(username);
    var realtime = new Ably.Realtime({ authCallback: authCallback, logLevel: 1 });
    var chat = new AblyChat.ChatClient(realtime);
    var current = { realtime: realtime, chat: chat, room: null, clientId: null, unsubscribers: [], attached: false, ended: false, wasSignedIn: false };
    session = current;

    realtime.connection.on(function (change) {
      if (current.ended) return;
      showConnection(change.current, change.reason, change.retryIn);
      if (change.current === 'failed' && !$('refusal').hidden && change.reason) {
        $('refusal').textContent +=
          ' Connection failed: ' + change.reason.message + ' (Ably error ' + change.reason.code + ', status ' + change.reason.statusCode + ').';
      }
      if (change.current === 'connected') {
        current.clientId = realtime.auth.clientId;
        $('session-user').textContent = current.clientId;
        if (!current.attached) attachRoom(current);
      }
      if (change.current === 'failed' || change.current === 'suspended' || change.current === 'disconnected') setSendEnabled(false);
      if (change.current === 'connected' && current.room && current.room.status === 'attached') setSendEnabled(true);
    });

    chat.rooms
      .get(ROOM_NAME)
      .then(function (room) {
        if (current.ended) return;
        current.room = room;
        var messages = room.messages.subscribe(function (event) {
          if (event.type === 'message.created') appendMessage(event.message);
        });
        var presence = room.presence.subscribe(function () {
          refreshPresence(current);
        });
        var typing = room.typing.subscribe(function (event) {
          renderTyping(Array.from(event.currentlyTyping));
        });
        var status = room.onStatusChange(function (change) {
          if (!current.ended) setSendEnabled(change.current === 'attached');
        });
        current.messages = messages;
        current.unsubscribers.push(
          function () {
            messages.unsubscribe();
          },
          function () {
            presence.unsubscribe();
          },
          function () {
            typing.unsubscribe();
          },
          function () {
            status.off();
          },
        );
        if (realtime.connection.state === 'connected' && !current.attached) attachRoom(current);
      })
      .catch(function (error) {
        showPageError('Could not open the room: ' + error.message);
      });
  }

  async function attachRoom(current) {
    if (!current.room || current.attached) return;
    current.attached = true;
    try {
      await current.room.attach();
      if (current.ended) return;
      setSendEnabled(true);
      // History comes newest first; put it, oldest first, above anything that arrived live.
      var history = await current.messages.historyBeforeSubscribe({ limit: 30 });
      var list = $('messages');
      var firstLive = list.firstChild;
      history.items
        .slice()
        .reverse()
        .forEach(function (m) {
          list.insertBefore(messageElement(m), firstLive);
        });
      list.scrollTop = list.scrollHeight;
      await current.room.presence.enter();
      await refreshPresence(current);
    } catch (error) {
      if (!current.ended) showPageError('Chat: ' + error.message + (error.code ? ' (Ably error ' + error.code + ')' : ''));
    }
  }

  async function refreshPresence(current) {
    if (!current.room || current.ended) return;
    try {
      var members = await current.room.presence.get();
      if (current.ended) return;
      var ids = Array.from(
        new Set(
          members.map(function (m) {
            return m.clientId;
          }),
        ),
      ).sort();
      renderPresence(ids);
    } catch {
      // Presence needs an attached room; the list updates once it is.
    }
  }

  function endChat() {
    var current = session;
    session = null;
    setSendEnabled(false);
    if (!current) return;
    current.ended = true;
    current.unsubscribers.forEach(function (off) {
      try {
        off();
      } catch {
        // Already gone.
      }
    });
    current.chat.dispose().catch(function () {});
    current.realtime.close();
    showConnection('closed');
  }

  // ---------------------------------------------------------------- wiring

  $('login-form').addEventListener('submit', async function (event) {
    event.preventDefault();
    var username = $('username').value;
    var button = event.target.querySelector('button');
    button.disabled = true;
    try {
      var result = await postJson(ROUTES.login, { username: username });
      if (!result.response.ok) {
        showLogin(errorText(result.data, result.response));
        return;
      }
      showPageError('');
      startChat((result.data && result.data.username) || username.trim());
    } catch (error) {
      showLogin('Could not reach the server: ' + error.message);
    } finally {
      button.disabled = false;
    }
  });

  $('logout').addEventListener('click', async function () {
    endChat();
    clearToken();
    try {
      var result = await postJson(ROUTES.logout);
      if (!result.response.ok) showPageError('Logout failed: ' + errorText(result.data, result.response));
    } catch (error) {
      showPageError('Could not reach the server: ' + error.message);
    }
    showLogin();
  });

  $('send-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var input = $('message-input');
    var text = input.value.trim();
    if (!text || !session || !session.room) return;
    var room = session.room;
    input.value = '';
    room.typing.stop().catch(function () {});
    room.messages.send({ text: text }).catch(function (error) {
      showPageError('Send failed: ' + error.message + (error.code ? ' (Ably error ' + error.code + ')' : ''));
    });
  });

  $('message-input').addEventListener('input', function (event) {
    if (!session || !session.room) return;
    var typing = session.room.typing;
    (event.target.value ? typing.keystroke() : typing.stop()).catch(function () {});
  });

  // Am I signed in? The SDK's first token answers it: a token opens the chat, a 401 shows the
  // login form (onUnauthenticated), a 403 the refusal. No extra request to the token route.
  startChat(null);
})();
