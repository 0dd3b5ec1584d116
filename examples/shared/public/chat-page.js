/* The demo chat page: sign in, connect through @ably-chat-auth/client's chat session, chat in
 * `lobby`, and show where the session stands and what the current token allows. Plain browser
 * JavaScript over the global `AblyChatSession` of the served bundle (the session with the real
 * `ably` and `@ably/chat`). */
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

  /** The room of the current chat client: the client, the room, its subscriptions; replaced with the client. */
  var current = null;
  /** Who the last login named; the token names who the chat connects as. */
  var knownUser = null;
  /** The session's last status, and whether the user just asked to log out (a signed-out then is no surprise). */
  var lastStatus = null;
  var loggingOut = false;
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
    // Counted per user: a switch to another user starts again at one.
    tokenFetches = token.clientId === $('token-client-id').textContent ? tokenFetches + 1 : 1;
    $('token-empty').hidden = true;
    $('token-details').hidden = false;
    $('token-client-id').textContent = token.clientId || '(none)';
    $('token-key').textContent = token.keyName || '(no kid)';
    $('dev-key-note').hidden = token.keyName !== PAGE_DATA.devKeyName;
    $('token-fetched').textContent =
      new Date().toLocaleTimeString() + ' by the chat session' + (tokenFetches > 1 ? ' (' + tokenFetches + ' tokens so far)' : '');
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
   * The session fetches every token itself (first connection, renewal, user switch) with this
   * fetch; the page only reads a copy of each token it is given, to show what it allows.
   */
  function fetchAndShowToken(url, init) {
    return fetch(url, init).then(function (response) {
      if (response.ok) {
        response
          .clone()
          .text()
          .then(function (body) {
            try {
              showToken(body.trim());
            } catch {
              // Not a JWT (a TokenDetails answer): nothing to show.
            }
          })
          .catch(function () {});
      }
      return response;
    });
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

  /** An error as one sentence: its message, then Ably's code and status. */
  function ablyErrorText(reason) {
    if (!reason) return 'no reason given.';
    var codes = [];
    if (reason.code) codes.push('Ably error ' + reason.code);
    if (reason.statusCode) codes.push('status ' + reason.statusCode);
    return withoutFullStop(reason.message) + (codes.length ? ' (' + codes.join(', ') + ')' : '') + '.';
  }

  function withoutFullStop(text) {
    return String(text).replace(/\.\s*$/, '');
  }

  // ---------------------------------------------------------------- views

  /** The session's state, one line above everything else: each state its own words and colour. */
  function showStatus(state) {
    var el = $('chat-status');
    el.dataset.status = state.status;
    switch (state.status) {
      case 'signed-out':
        el.textContent = 'Sign in to chat.';
        break;
      case 'forbidden':
        el.textContent = 'You may not chat: ' + withoutFullStop(state.reason.message) + ' (the token route answered 403; nothing is retried).';
        break;
      case 'connecting':
        el.textContent = state.clientId ? 'Connecting as ' + state.clientId + '\u2026' : 'Connecting\u2026';
        break;
      case 'connected':
        el.textContent = 'Connected as ' + state.clientId + '.';
        break;
      case 'failed':
        el.textContent = 'Chat failed: ' + ablyErrorText(state.reason);
        break;
    }
  }

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
    showSignedIn(username);
    clearRoomView();
    clearToken();
  }

  function clearRoomView() {
    $('messages').replaceChildren();
    $('typing').textContent = '';
    renderPresence([]);
  }

  function showSignedIn(username) {
    $('session').hidden = false;
    if (username || !$('session-user').textContent) $('session-user').textContent = username || '(signed in)';
  }

  function showPageError(text) {
    var el = $('page-error');
    el.textContent = text;
    el.hidden = !text;
  }

  /** The Ably connection under the session: its state, why it changed, when it retries. */
  function showConnection(state, reason, retryIn) {
    var el = $('connection-state');
    el.dataset.state = state;
    el.textContent = state;
    var detail = $('connection-detail');
    var text = '';
    if (reason) text = ablyErrorText(reason);
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
    if (current && message.clientId === current.clientId) li.className = 'mine';
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
      return !current || id !== current.clientId;
    });
    $('typing').textContent = others.length === 0 ? '' : others.join(', ') + (others.length === 1 ? ' is typing\u2026' : ' are typing\u2026');
  }

  // ---------------------------------------------------------------- the session

  // Test only: the browser suite points the session at a local stand-in for Ably's servers
  // (realtimeHost, port, tls) by defining this global before the page runs. Nothing sets it in the app.
  var testRealtimeOptions = window.chatPageRealtimeOptions || {};

  /**
   * One owner of the Ably + Chat clients for the token route. It asks the route at once (a token:
   * connect as its clientId; 401: signed out; 403: forbidden, no connection) and, after a login,
   * logout or user switch, closes the old connection and builds one for the new user.
   */
  var chatSession = AblyChatSession.createChatSession(ROUTES.token, {
    fetch: fetchAndShowToken,
    realtimeOptions: Object.assign({ logLevel: 1 }, testRealtimeOptions),
  });

  // The session starts `checking` (the route not answered yet), which the page's own markup already
  // shows; its first answer decides the first view, so the page renders on notifications only.
  chatSession.subscribe(render);

  function render(state) {
    var previous = lastStatus;
    lastStatus = state.status;
    showStatus(state);
    switch (state.status) {
      case 'signed-out': {
        endRoom();
        clearToken();
        // Signed out without asking (the session expired, or a logout in another tab): say so.
        var surprise = !loggingOut && (previous === 'connecting' || previous === 'connected' || previous === 'failed');
        knownUser = null;
        showLogin(surprise ? 'Your session has ended (the token route answered 401). Sign in again.' : undefined);
        return;
      }
      case 'forbidden':
        // The refusal stands alone: no room, no presence, no token, no Send button.
        endRoom();
        showChatView(knownUser);
        $('chat-pending').hidden = true;
        return;
      case 'connecting':
      case 'connected':
        if (!current || current.chat !== state.chatClient) openRoom(state.chatClient, state.clientId);
        if (state.clientId) current.clientId = state.clientId;
        showSignedIn(current.clientId || knownUser);
        $('login-view').hidden = true;
        $('chat-view').hidden = false;
        $('chat-pending').hidden = true;
        $('chat-grid').hidden = false;
        if (state.status === 'connected' && !current.attached) attachRoom(current);
        if (state.status === 'connected' && current.room && current.room.status === 'attached') setSendEnabled(true);
        else setSendEnabled(false);
        return;
      case 'failed':
        // The token panel stays: it still shows what the token allows (e.g. a development key's token Ably refused).
        setSendEnabled(false);
        $('login-view').hidden = true;
        $('chat-view').hidden = false;
        $('chat-pending').hidden = true;
        $('chat-grid').hidden = !current && tokenFetches === 0;
        // Without a connection or a login (the route failed on load) it is unknown who is signed in.
        if (current || knownUser) showSignedIn((current && current.clientId) || knownUser);
        return;
    }
  }

  /** A new chat client (a new user, or a rebuilt connection): the old room's handlers go, the room opens on the new one. */
  function openRoom(chat, clientId) {
    endRoom();
    clearRoomView();
    var realtime = chatSession.realtime;
    var room = { chat: chat, realtime: realtime, room: null, clientId: clientId, unsubscribers: [], attached: false, ended: false };
    current = room;

    var onConnection = function (change) {
      if (!room.ended) showConnection(change.current, change.reason, change.retryIn);
    };
    realtime.connection.on(onConnection);
    room.unsubscribers.push(function () {
      realtime.connection.off(onConnection);
    });
    showConnection(realtime.connection.state, realtime.connection.errorReason);

    chat.rooms
      .get(ROOM_NAME)
      .then(function (opened) {
        if (room.ended) return;
        room.room = opened;
        var messages = opened.messages.subscribe(function (event) {
          if (event.type === 'message.created') appendMessage(event.message);
        });
        var presence = opened.presence.subscribe(function () {
          refreshPresence(room);
        });
        var typing = opened.typing.subscribe(function (event) {
          renderTyping(Array.from(event.currentlyTyping));
        });
        var status = opened.onStatusChange(function (change) {
          if (!room.ended) setSendEnabled(change.current === 'attached' && chatSession.getState().status === 'connected');
        });
        room.messages = messages;
        room.unsubscribers.push(
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
        if (chatSession.getState().status === 'connected' && !room.attached) attachRoom(room);
      })
      .catch(function (error) {
        if (!room.ended) showPageError('Could not open the room: ' + error.message);
      });
  }

  async function attachRoom(room) {
    if (!room.room || room.attached) return;
    room.attached = true;
    var step = 'Could not attach the room';
    try {
      await room.room.attach();
      if (room.ended) return;
      setSendEnabled(true);
      // History comes newest first; put it, oldest first, above anything that arrived live.
      step = 'Could not load the room\u2019s history';
      var history = await room.messages.historyBeforeSubscribe({ limit: 30 });
      if (room.ended) return;
      var list = $('messages');
      var firstLive = list.firstChild;
      history.items
        .slice()
        .reverse()
        .forEach(function (m) {
          list.insertBefore(messageElement(m), firstLive);
        });
      list.scrollTop = list.scrollHeight;
      step = 'Could not enter presence';
      await room.room.presence.enter();
      await refreshPresence(room);
    } catch (error) {
      if (!room.ended) showPageError(step + ': ' + ablyErrorText(error));
    }
  }

  async function refreshPresence(room) {
    if (!room.room || room.ended) return;
    try {
      var members = await room.room.presence.get();
      if (room.ended) return;
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

  /** Stops listening to the current room; the session itself closes the connection and disposes the client. */
  function endRoom() {
    var room = current;
    current = null;
    setSendEnabled(false);
    showPageError('');
    if (!room) return;
    room.ended = true;
    room.unsubscribers.forEach(function (off) {
      try {
        off();
      } catch {
        // Already gone with the disposed client.
      }
    });
    showConnection('closed');
  }

  // ---------------------------------------------------------------- wiring

  /** Logs `username` in (a new server session), then tells the chat session, which connects as them. */
  async function logIn(username, showError) {
    var result = await postJson(ROUTES.login, { username: username });
    if (!result.response.ok) {
      showError(errorText(result.data, result.response));
      return;
    }
    showPageError('');
    knownUser = (result.data && result.data.username) || username.trim();
    if (!current) showChatView(knownUser);
    // Another user than the connected one: the session closes that connection and opens one for
    // this user; the same user keeps the connection and takes the new token in place.
    await chatSession.signedIn();
    render(chatSession.getState());
  }

  $('login-form').addEventListener('submit', async function (event) {
    event.preventDefault();
    var button = event.target.querySelector('button');
    button.disabled = true;
    try {
      await logIn($('username').value, showLogin);
    } catch (error) {
      showLogin('Could not reach the server: ' + error.message);
    } finally {
      button.disabled = false;
    }
  });

  $('switch-form').addEventListener('submit', async function (event) {
    event.preventDefault();
    var button = event.target.querySelector('button');
    var error = $('switch-error');
    var fail = function (text) {
      error.textContent = text;
      error.hidden = false;
    };
    error.hidden = true;
    button.disabled = true;
    try {
      await logIn($('switch-username').value, fail);
      $('switch-username').value = '';
    } catch (e) {
      fail('Could not reach the server: ' + e.message);
    } finally {
      button.disabled = false;
    }
  });

  $('logout').addEventListener('click', async function () {
    loggingOut = true;
    try {
      var result = await postJson(ROUTES.logout);
      if (!result.response.ok) showPageError('Logout failed: ' + errorText(result.data, result.response));
      // The connection closes at once; the route's 401 then makes the session signed-out (the login form).
      await chatSession.signedOut();
    } catch (error) {
      showPageError('Could not reach the server: ' + error.message);
    } finally {
      loggingOut = false;
    }
  });

  $('send-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var input = $('message-input');
    var text = input.value.trim();
    if (!text || !current || !current.room) return;
    var room = current.room;
    input.value = '';
    room.typing.stop().catch(function () {});
    room.messages.send({ text: text }).catch(function (error) {
      showPageError('Send failed: ' + ablyErrorText(error));
    });
  });

  $('message-input').addEventListener('input', function (event) {
    if (!current || !current.room) return;
    var typing = current.room.typing;
    (event.target.value ? typing.keystroke() : typing.stop()).catch(function () {});
  });
})();
