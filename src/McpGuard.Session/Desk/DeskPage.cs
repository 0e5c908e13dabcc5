namespace McpGuard.Desk;

/// <summary>
/// The one page. Everything from a guard is put in with textContent, never as HTML: tool names and
/// arguments come from an agent and may be hostile. textContent still lets a bidi override (U+202E) or a
/// control character change what a person reads, and a zero-width character or Unicode tag hide in a name, so
/// <c>inert</c> shows those as <c>\uXXXX</c>, as the terminal commands do (TerminalText.cs); arguments keep their
/// line breaks.
/// </summary>
internal static class DeskPage
{
    public static string Html(string csrfToken) => Template
        .Replace("{{PICTURE_STYLE}}", DeskPicture.Style, StringComparison.Ordinal)
        .Replace("{{PICTURE_MARKUP}}", DeskPicture.Markup, StringComparison.Ordinal)
        .Replace("{{PICTURE_SCRIPT}}", DeskPicture.Script, StringComparison.Ordinal)
        .Replace("{{CSRF}}", csrfToken, StringComparison.Ordinal);

    private const string Template = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="csrf-token" content="{{CSRF}}">
        <title>McpGuard approval desk</title>
        <style>
          body { font: 15px system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d232b; }
          header { background: #1d232b; color: #fff; padding: 12px 24px; font-size: 18px; }
          main { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 24px; padding: 24px; }
          h2 { font-size: 15px; text-transform: uppercase; letter-spacing: .05em; color: #5b6573; margin: 0 0 12px; }
          .card {
            background: #fff; border-radius: 8px; padding: 16px; margin-bottom: 16px; box-shadow: 0 1px 3px #0002;
          }
          .tool { font-size: 18px; font-weight: 600; } .server { color: #5b6573; }
          .rule { margin: 6px 0; color: #7a4b00; }
          .left { float: right; font-variant-numeric: tabular-nums; color: #b42318; }
          pre {
            background: #f0f2f5; padding: 10px; border-radius: 6px; max-height: 300px; overflow: auto; font-size: 13px;
            white-space: pre-wrap; overflow-wrap: anywhere;
          }
          button {
            font-size: 15px; padding: 8px 20px; border-radius: 6px; border: 0; cursor: pointer; margin-right: 8px;
          }
          .approve { background: #1a7f37; color: #fff; } .deny { background: #b42318; color: #fff; }
          .empty { color: #5b6573; } li { margin-bottom: 6px; }
          .approved { color: #1a7f37; } .denied, .expired { color: #b42318; }
          .withdrawn { color: #5b6573; }
          header button { float: right; background: #fff; color: #1d232b; padding: 4px 12px; font-size: 13px; }
          .alert { padding: 12px 24px; font-weight: 600; } #banner { background: #b42318; color: #fff; }
          #notice { background: #fff4e5; color: #7a4b00; }
        {{PICTURE_STYLE}}
        </style></head>
        <body>
        <header>McpGuard approval desk <button id="notify" hidden>Notify me of new calls</button></header>
        <div id="banner" class="alert" role="alert" hidden></div>
        <div id="notice" class="alert" role="status" hidden></div>
        <main>
          <section><h2>Waiting for you</h2><div id="pending"><p class="empty">Nothing is waiting.</p></div></section>
          <section><h2>Recent decisions</h2><ul id="feed"></ul></section>
        {{PICTURE_MARKUP}}
        </main>
        <script>
        // The token is refreshed from every /api/state answer: a restarted desk has a new one (DeskState.cs).
        let csrf = document.querySelector('meta[name="csrf-token"]').content;
        let skew = 0, pending = [];
        const seen = new Set(), title = 'McpGuard approval desk';
        // Controls but the line break, format characters (bidi overrides and marks, zero-width, Unicode tags),
        // line separators and lone surrogates: each UTF-16 unit as \uXXXX, as Cli/TerminalText.cs prints them.
        const unsafeChars = /(?!\n)[\p{Cc}\p{Cf}\u2028\u2029\uD800-\uDFFF]/gu;
        const escaped = c => Array.from({ length: c.length },
          (_, i) => '\\u' + c.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')).join('');
        function inert(text) {
          return String(text).replace(unsafeChars, escaped);
        }
        function el(tag, cls, text) {
          const e = document.createElement(tag);
          if (cls) e.className = cls;
          if (text !== undefined) e.textContent = inert(text);
          return e;
        }
        function show(id, text) { const e = document.getElementById(id); e.textContent = text; e.hidden = !text; }
        function post(id, approve) {
          return fetch('/api/decisions/' + encodeURIComponent(id), {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-McpGuard-Csrf': csrf },
            body: JSON.stringify({ approve }),
          });
        }
        async function decide(id, approve) {
          const verb = approve ? 'Approve' : 'Deny';
          try {
            let r = await post(id, approve);
            if (r.status === 403) { await refresh(); r = await post(id, approve); }
            show('notice', r.ok ? '' : verb + ' failed: ' + inert((await r.text()) || 'HTTP ' + r.status));
          } catch (e) {
            show('notice', verb + ' failed: the desk cannot be reached. Nothing was decided.');
          }
          refresh();
        }
        {{PICTURE_SCRIPT}}
        function notifyNew(list) {
          for (const p of list) {
            if (seen.has(p.id)) continue;
            seen.add(p.id);
            if ('Notification' in window && Notification.permission === 'granted') {
              new Notification('McpGuard: ' + inert(p.tool) + ' is waiting for you',
                { body: 'server: ' + inert(p.server), tag: p.id });
            }
          }
        }
        function offerNotifications() {
          const button = document.getElementById('notify');
          button.hidden = !('Notification' in window) || Notification.permission !== 'default';
          button.onclick = () => Notification.requestPermission().then(offerNotifications);
        }
        function secondsLeft(p) {
          return Math.max(0, Math.round((Date.parse(p.deadline) - (Date.now() + skew)) / 1000));
        }
        function render() {
          const box = document.getElementById('pending');
          box.replaceChildren();
          if (pending.length === 0) box.append(el('p', 'empty', 'Nothing is waiting.'));
          for (const p of pending) {
            const card = el('div', 'card'); card.dataset.id = p.id;
            card.append(el('span', 'left', secondsLeft(p) + ' s left'), el('div', 'tool', p.tool),
              el('div', 'server', 'server: ' + p.server));
            if (p.agent) card.append(el('div', 'server', 'asked by: ' + p.agent));
            card.append(el('div', 'rule', 'rule: ' + p.ruleId + (p.reason ? ' — ' + p.reason : '')),
              el('pre', '', p.arguments));
            if (p.changes) {
              card.append(el('div', 'rule', 'what changed since the tool was pinned:'),
                el('pre', 'changes', p.changes));
            }
            const yes = el('button', 'approve', 'Approve'), no = el('button', 'deny', 'Deny');
            yes.onclick = () => decide(p.id, true); no.onclick = () => decide(p.id, false);
            card.append(yes, no); box.append(card);
          }
        }
        async function refresh() {
          let s;
          try {
            const r = await fetch('/api/state', { cache: 'no-store' });
            if (r.status === 401) {
              show('banner', 'This page has no desk key: open the address `mcpguard desk` printed.');
              return;
            }
            if (!r.ok) throw new Error('HTTP ' + r.status);
            s = await r.json();
          } catch (e) {
            show('banner', 'Disconnected: the desk is not running, so nothing here can be approved. '
              + 'Start it again with `mcpguard desk`; this page reconnects by itself.');
            document.title = '(disconnected) ' + title;
            return;
          }
          show('banner', '');
          csrf = s.csrf;
          skew = Date.parse(s.now) - Date.now();
          const ids = s.pending.map(p => p.id).join();
          if (ids !== pending.map(p => p.id).join()) { pending = s.pending; render(); } else { pending = s.pending; }
          document.title = (pending.length ? '(' + pending.length + ') ' : '') + title;
          notifyNew(pending);
          const feed = document.getElementById('feed'); feed.replaceChildren();
          for (const d of s.decisions) {
            const li = el('li');
            li.append(el('span', d.outcome, d.outcome),
              inert(' ' + d.tool + ' on ' + d.server) + ' at ' + new Date(d.at).toLocaleTimeString());
            feed.append(li);
          }
          renderPicture(s);
        }
        offerNotifications();
        setInterval(refresh, 1000);
        setInterval(() => document.querySelectorAll('.card').forEach(c => {
          const p = pending.find(x => x.id === c.dataset.id);
          if (p) c.querySelector('.left').textContent = secondsLeft(p) + ' s left';
        }), 500);
        refresh();
        </script>
        </body></html>
        """;
}
