/*
 * Mounts GraphiQL (loaded as UMD from this server, see src/explorer/explorer.ts) and sends the caller's credentials
 * with every request: the API key pasted in the bar (kept for this tab only), else the console's own session token,
 * which the console keeps under "tanfang.token" in sessionStorage (a browser tab) or localStorage (the installed app).
 * A plain file, not inline: the server's CSP allows scripts from 'self' only.
 */
(function () {
  'use strict';
  var KEY_STORE = 'tanfang.explorer.key';
  var keyInput = document.getElementById('tf-key');
  var who = document.getElementById('tf-who');
  var scopesList = document.getElementById('tf-scopes');
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));

  keyInput.value = sessionStorage.getItem(KEY_STORE) || '';

  function credentials() {
    var key = keyInput.value.trim();
    if (key) return { token: key, source: 'key' };
    var session = sessionStorage.getItem('tanfang.token') || localStorage.getItem('tanfang.token');
    return session ? { token: session, source: 'session' } : null;
  }

  function post(body, extraHeaders) {
    var headers = Object.assign({ 'content-type': 'application/json' }, extraHeaders || {});
    var cred = credentials();
    if (cred && !headers.authorization && !headers.Authorization) headers.authorization = 'Bearer ' + cred.token;
    return fetch('/graphql', { method: 'POST', headers: headers, body: JSON.stringify(body) }).then(function (res) {
      return res.json();
    });
  }

  function showCaller() {
    var cred = credentials();
    scopesList.textContent = '';
    if (!cred) {
      who.textContent = '未登录：填入 API 密钥，或先登录管理后台 · Not signed in: paste an API key or log in to the console';
      return Promise.resolve();
    }
    return post({ query: 'query ExplorerCaller { me { username displayName role scopes } }' }).then(function (result) {
      var me = result && result.data && result.data.me;
      if (!me) {
        who.textContent = '密钥或登录无效 · The key or session is not valid';
        return;
      }
      who.textContent = (cred.source === 'key' ? 'API 密钥 key: ' : '后台登录 session: ') + me.displayName + ' (' + me.role + ')';
      me.scopes.forEach(function (scope) {
        var item = document.createElement('li');
        var code = document.createElement('code');
        code.textContent = scope;
        item.appendChild(code);
        scopesList.appendChild(item);
      });
    });
  }

  function mount() {
    // A new fetcher makes GraphiQL fetch the schema again, now with the new credentials.
    var fetcher = function (params, opts) {
      return post(params, opts && opts.headers);
    };
    root.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true }));
    showCaller();
  }

  document.getElementById('tf-apply').addEventListener('click', function () {
    var key = keyInput.value.trim();
    if (key) sessionStorage.setItem(KEY_STORE, key);
    else sessionStorage.removeItem(KEY_STORE);
    mount();
  });
  keyInput.addEventListener('keydown', function (event) {
    if (event.key === 'Enter') document.getElementById('tf-apply').click();
  });
  mount();
})();
