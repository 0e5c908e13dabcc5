namespace McpGuard.Desk;

/// <summary>
/// The desk page's picture of the running guards, the same as the Grafana dashboard's (samples/grafana) for people
/// without a metrics stack: each limit's use as a bar with when it frees up, and decisions per minute over the last
/// 15 minutes, summed over the guards that report and those that have gone (DeskReporter.cs, DeskReports.cs).
/// Server names, entries and decision words come from guards: they are set with textContent through <c>inert</c>,
/// and a decision word picks a colour only by lookup, never as a class name or style text.
/// </summary>
internal static class DeskPicture
{
    public const string Style = """
          .picture {
            grid-column: 1 / -1; display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 24px;
          }
          .limit { margin: 10px 0; } .limit .name { font-weight: 600; } .use { color: #5b6573; font-size: 13px; }
          .bar { height: 12px; background: #e6e9ee; border-radius: 6px; overflow: hidden; margin: 4px 0; }
          .fill { height: 100%; } .low { background: #1a7f37; } .high { background: #bf8700; }
          .full { background: #b42318; }
          .chart { display: flex; align-items: flex-end; gap: 4px; height: 120px; border-bottom: 1px solid #c9ced6; }
          .minute { flex: 1; display: flex; flex-direction: column-reverse; min-height: 1px; }
          .legend span { display: inline-block; margin: 8px 12px 0 0; font-size: 13px; }
          .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; }
        """;

    public const string Markup = """
          <div class="picture">
            <section><h2>Limits</h2><div id="limits"><p class="empty">No running guard has reported.</p></div></section>
            <section><h2>Decisions per minute</h2><div class="card"><div id="rate-now" class="use"></div>
              <div id="chart" class="chart" role="img"></div><div id="legend" class="legend"></div></div></section>
          </div>
        """;

    public const string Script = """
        const decisionColours = { allow: '#1a7f37', approved: '#2da44e', require_approval: '#bf8700', deny: '#b42318',
          refused: '#e5534b', cancelled: '#afb8c1', hidden: '#6e7781', unknown_tool: '#8c959f', invalid: '#57606a' };
        function colourOf(decision) {
          return Object.hasOwn(decisionColours, decision) ? decisionColours[decision] : '#8c959f';
        }
        function amount(n) { return String(+Number(n).toFixed(6)); }
        function freesUp(at) {
          if (!at) return 'nothing counted in its window';
          const s = Math.max(0, Math.round((Date.parse(at) - (Date.now() + skew)) / 1000));
          const left = s < 120 ? s + ' s' : s < 7200 ? Math.round(s / 60) + ' min' : Math.round(s / 3600) + ' h';
          return 'frees up in ' + left + ' (' + new Date(at).toLocaleTimeString() + ')';
        }
        function renderLimits(guards) {
          const box = document.getElementById('limits');
          box.replaceChildren();
          const reporting = guards.filter(g => g.report.limits.length);
          const none = guards.length ? 'The running guards have no limits.' : 'No running guard has reported.';
          if (!reporting.length) box.append(el('p', 'empty', none));
          for (const g of reporting) {
            const card = el('div', 'card guard'); card.append(el('div', 'tool', g.report.server));
            for (const l of g.report.limits) {
              const share = l.max > 0 ? Math.min(1, l.used / l.max) : 0;
              const row = el('div', 'limit'), bar = el('div', 'bar');
              const fill = el('div', 'fill ' + (share >= 0.9 ? 'full' : share >= 0.7 ? 'high' : 'low'));
              fill.style.width = (share * 100).toFixed(1) + '%'; bar.append(fill);
              bar.setAttribute('role', 'meter');
              bar.setAttribute('aria-valuenow', String(l.used)); bar.setAttribute('aria-valuemax', String(l.max));
              row.append(el('div', 'name', l.entry + ' · ' + l.kind + ' per ' + l.window), bar,
                el('div', 'use', amount(l.used) + ' of ' + amount(l.max) + ' used · ' + freesUp(l.freesUpAt)));
              card.append(row);
            }
            box.append(card);
          }
        }
        function renderRate(guards, departed, nowMs) {
          const minute = 60000, last = Math.floor(nowMs / minute) * minute, slots = [];
          for (let i = 14; i >= 0; i--) slots.push({ at: last - i * minute, counts: new Map(), total: 0 });
          const words = new Map();
          for (const m of guards.flatMap(g => g.report.minutes).concat(departed)) {
            const slot = slots.find(s => s.at === Date.parse(m.minute));
            if (!slot) continue;
            slot.counts.set(m.decision, (slot.counts.get(m.decision) || 0) + m.count); slot.total += m.count;
            words.set(m.decision, (words.get(m.decision) || 0) + m.count);
          }
          const top = Math.max(1, ...slots.map(s => s.total)), chart = document.getElementById('chart');
          const said = c => [...c].map(([w, n]) => n + ' ' + w).join(' · ');
          chart.replaceChildren();
          for (const s of slots) {
            const column = el('div', 'minute');
            column.title = inert(new Date(s.at).toLocaleTimeString() + ': ' + (said(s.counts) || 'none'));
            for (const [word, n] of s.counts) {
              const part = el('div');
              part.style.height = (n / top * 118) + 'px'; part.style.background = colourOf(word);
              column.append(part);
            }
            chart.append(column);
          }
          const totals = slots.map(s => s.total).join(', ');
          chart.setAttribute('aria-label', inert('decisions per minute, last 15 minutes: ' + totals));
          const now = slots[slots.length - 1].counts;
          const summary = words.size ? 'this minute: ' + (said(now) || 'none') : 'No decisions in 15 minutes.';
          document.getElementById('rate-now').textContent = inert(summary);
          const legend = document.getElementById('legend'); legend.replaceChildren();
          for (const [word, n] of words) {
            const item = el('span', '', ' ' + word + ' ' + n), swatch = el('span', 'swatch');
            swatch.style.background = colourOf(word); item.prepend(swatch); legend.append(item);
          }
        }
        function renderPicture(s) { renderLimits(s.guards); renderRate(s.guards, s.departed, Date.parse(s.now)); }
        """;
}
