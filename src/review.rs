//! `review.html`: one self-contained page (no network, no external scripts or fonts), in Spanish,
//! for the analysts who review a run (output stage).
//!
//! The header (the run's counts) and the chart per objective (inline SVG: actions listed vs
//! declared) are written here; the flags (grouped by severity and kind, with the source paragraph
//! and the evidence highlighted, filters and a search box) and the actions per objective are drawn
//! by a small plain-JavaScript program from the data embedded as JSON, a page of flags at a time
//! and an objective at a time, so that a run of a thousand submissions stays fast.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::Path;

use serde::Serialize;

use crate::audit::Flag;
use crate::error::OutputError;
use crate::extract::ActionRecord;
use crate::output::{RunSummary, Status};
use crate::Rules;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// JSON safe inside a `<script>` element: `<`, `>` and `&` are written as JSON escapes
/// (`\u003c`…), so that no text of a document (`</script>`, `<!--<script>`) can end the
/// element or change how the HTML parser reads it. These characters occur in JSON only inside
/// strings, where the escapes read back as the same characters.
fn script_json<T: Serialize>(v: &T) -> String {
    escape_for_script(&serde_json::to_string(v).unwrap_or_else(|_| "null".to_string()))
}

fn escape_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// A figure as the page shows it: raw text, value, unit, period start and end.
type FigureCell = (String, f64, Option<String>, Option<String>, Option<String>);

#[derive(Serialize, schemars::JsonSchema)]
struct ActionRow<'a> {
    id: &'a str,
    o: u32,
    file: &'a str,
    page: Option<u32>,
    line: u32,
    agency: Option<&'a str>,
    text: &'a String,
    figures: Vec<FigureCell>,
    periods: Vec<&'a str>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct FlagRow<'a> {
    kind: &'a str,
    /// The kind in Spanish, as headings and the filter show it.
    label: String,
    sev: &'a str,
    o: Option<u32>,
    msg: &'a str,
    ev: &'a str,
    action: Option<&'a str>,
    file: Option<&'a str>,
    page: Option<u32>,
    line: Option<u32>,
}

/// Writes `review.html` into `out` for the run `run`, from its `actions.jsonl` and `flags.jsonl`.
pub fn write_review(out: &Path, run: &RunSummary, rules: &Rules) -> Result<(), OutputError> {
    let target = out.join("review.html");
    let err = |source| OutputError::write(&target, source);
    let mut tmp = crate::output::temp_in(out)?;
    // Listed actions across all inputs; declared counts summed over the inputs that declare
    // them, next to the actions those same inputs list (in a run of a report and submissions,
    // the report's 27 for objective 7 is compared with the report's own 12, not with all 112).
    let mut listed: BTreeMap<u32, usize> = BTreeMap::new();
    let mut declared: BTreeMap<u32, u64> = BTreeMap::new();
    let mut listed_where_declared: BTreeMap<u32, usize> = BTreeMap::new();
    let (mut figures, mut actions, mut failed) = (0usize, 0usize, 0usize);
    run.inputs.each(|i| {
        for (n, c) in &i.per_objective {
            *listed.entry(*n).or_insert(0) += c;
        }
        for (n, c) in &i.declared {
            *declared.entry(*n).or_insert(0) += c;
            *listed_where_declared.entry(*n).or_insert(0) +=
                i.per_objective.get(n).copied().unwrap_or(0);
        }
        figures += i.figures;
        actions += i.actions;
        failed += usize::from(i.status == Status::Failed);
        Ok(())
    })?;
    let mut sev = BTreeMap::new();
    let flags_path = out.join("flags.jsonl");
    if let Ok(f) = std::fs::File::open(&flags_path) {
        for line in std::io::BufReader::new(f).lines().map_while(Result::ok) {
            if let Ok(fl) = serde_json::from_str::<Flag>(&line) {
                *sev.entry(fl.severity.as_str()).or_insert(0usize) += 1;
            }
        }
    }
    // Written in many small pieces: buffered, one system call per 64 KiB, not per piece.
    let mut w = std::io::BufWriter::with_capacity(1 << 16, &mut tmp);
    let mut put = |s: &str| w.write_all(s.as_bytes());
    put(&format!(
        "<!DOCTYPE html>\n<html lang=\"es\"><head><meta charset=\"utf-8\"><title>informe: revisión</title>\n<style>{CSS}</style></head>\n<body data-shown=\"0\" data-script-errors=\"0\">\n<h1>Revisión de la corrida</h1>\n<p class=\"sub\">{} · perfil {} · {}</p>\n",
        esc(&run.tool),
        esc(&run.profile),
        esc(&run.out_dir)
    ))
    .map_err(err)?;
    put(&format!(
        "<dl id=\"run\">\n<div><dt>Entradas</dt><dd data-count=\"inputs\">{}</dd></div>\n<div><dt>Acciones</dt><dd data-count=\"actions\">{actions}</dd></div>\n<div><dt>Cifras</dt><dd data-count=\"figures\">{figures}</dd></div>\n<div class=\"error\"><dt>Errores</dt><dd data-count=\"error\">{}</dd></div>\n<div class=\"warning\"><dt>Advertencias</dt><dd data-count=\"warning\">{}</dd></div>\n<div class=\"info\"><dt>Información</dt><dd data-count=\"info\">{}</dd></div>\n<div><dt>Entradas fallidas</dt><dd data-count=\"failed\">{failed}</dd></div>\n</dl>\n",
        run.inputs.len(),
        sev.get("error").unwrap_or(&0),
        sev.get("warning").unwrap_or(&0),
        sev.get("info").unwrap_or(&0),
    ))
    .map_err(err)?;
    if failed > 0 {
        put("<h2>Entradas que no se pudieron leer</h2>\n<ul class=\"failures\">\n").map_err(err)?;
        run.inputs.each(|i| {
            if i.status != Status::Failed {
                return Ok(());
            }
            let error = i.error_es.as_deref().or(i.error.as_deref());
            put(&format!("<li>{}</li>\n", esc(error.unwrap_or(&i.file)))).map_err(err)
        })?;
        put("</ul>\n").map_err(err)?;
    }
    let comparison = crate::output::read_comparison(out);
    if !comparison.is_empty() {
        put("<h2>Comparación con el informe publicado</h2>\n<table id=\"comparison\">\n<tr><th>Qué se cuenta</th><th>Informe publicado</th><th>Entregas</th><th>¿Coincide?</th><th>Dónde lo declara el informe</th></tr>\n").map_err(err)?;
        for row in &comparison {
            let agrees = row.published == row.submissions;
            put(&format!(
                "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}, línea {}</td></tr>\n",
                if agrees { "agrees" } else { "differs" },
                esc(&row.what),
                row.published,
                row.submissions,
                if agrees { "sí" } else { "no" },
                esc(&row.report_file),
                row.report_line
            ))
            .map_err(err)?;
        }
        put("</table>\n").map_err(err)?;
    }
    // The chart: actions listed vs declared, per objective.
    let n = rules.objectives.objectives.len();
    let max = rules
        .objectives
        .objectives
        .iter()
        .map(|o| {
            (listed.get(&o.number).copied().unwrap_or(0) as u64)
                .max(declared.get(&o.number).copied().unwrap_or(0))
        })
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let (row, left, width) = (22.0, 60.0, 520.0);
    put(&format!(
        "<h2>Acciones por objetivo</h2>\n<svg id=\"chart\" role=\"img\" aria-label=\"Acciones listadas y declaradas por objetivo\" width=\"{}\" height=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">\n",
        left + width + 80.0,
        row * n as f64 + 30.0
    ))
    .map_err(err)?;
    for (k, o) in rules.objectives.objectives.iter().enumerate() {
        let l = listed.get(&o.number).copied().unwrap_or(0);
        let d = declared.get(&o.number).copied();
        let y = 10.0 + row * k as f64;
        let class = if l == 0 { "none" } else { "some" };
        put(&format!(
            "<g class=\"obj {class}\" data-objective=\"{}\" data-listed=\"{l}\"{}><title>Objetivo {}: {l} acciones listadas{}</title><text x=\"0\" y=\"{}\">Obj. {}</text><rect class=\"listed\" x=\"{left}\" y=\"{y}\" width=\"{:.1}\" height=\"8\"/>",
            o.number,
            d.map_or(String::new(), |d| format!(" data-declared=\"{d}\"")),
            o.number,
            d.map_or(String::new(), |d| format!(", {d} declaradas")),
            y + 11.0,
            o.number,
            width * l as f64 / max
        ))
        .map_err(err)?;
        if let Some(d) = d {
            put(&format!(
                "<rect class=\"declared\" x=\"{left}\" y=\"{}\" width=\"{:.1}\" height=\"6\"/>",
                y + 9.0,
                width * d as f64 / max
            ))
            .map_err(err)?;
        }
        put(&format!(
            "<text class=\"n\" x=\"{:.1}\" y=\"{}\">{l}{}</text></g>\n",
            left + width * (l as f64).max(d.unwrap_or(0) as f64) / max + 6.0,
            y + 11.0,
            match (d, listed_where_declared.get(&o.number).copied()) {
                (Some(d), Some(ld)) if ld != l => {
                    format!(" (en los informes que declaran: {ld} / {d})")
                }
                (Some(d), _) => format!(" / {d}"),
                (None, _) => String::new(),
            }
        ))
        .map_err(err)?;
    }
    put("</svg>\n<p class=\"legend\"><span class=\"k listed\"></span> listadas <span class=\"k declared\"></span> declaradas por el informe; en rojo, los objetivos sin acciones.</p>\n").map_err(err)?;
    // Flags and actions, drawn by the script.
    put("<h2>Alertas</h2>\n<div id=\"filters\"><label>Objetivo <select id=\"f-objective\"><option value=\"\">todos</option></select></label> <label>Dependencia <select id=\"f-agency\"><option value=\"\">todas</option></select></label> <label>Gravedad <select id=\"f-severity\"><option value=\"\">todas</option><option value=\"error\">error</option><option value=\"warning\">advertencia</option><option value=\"info\">información</option></select></label> <label>Tipo <select id=\"f-kind\"><option value=\"\">todos</option></select></label> <label>Buscar <input id=\"f-q\" type=\"search\" placeholder=\"texto\"></label> <span id=\"shown\"></span></div>\n<div id=\"flags\"></div><div id=\"pager\"></div>\n<h2>Acciones por objetivo</h2>\n<div id=\"actions\"></div>\n").map_err(err)?;
    put("<script type=\"application/json\" id=\"data-objectives\">").map_err(err)?;
    let titles: Vec<(u32, &str)> = rules
        .objectives
        .objectives
        .iter()
        .map(|o| (o.number, o.es.as_str()))
        .collect();
    put(&script_json(&titles)).map_err(err)?;
    put("</script>\n<script type=\"application/json\" id=\"data-actions\">[").map_err(err)?;
    let mut first = true;
    if let Ok(f) = std::fs::File::open(out.join("actions.jsonl")) {
        for line in std::io::BufReader::new(f).lines().map_while(Result::ok) {
            let Ok(a) = serde_json::from_str::<ActionRecord>(&line) else {
                continue;
            };
            // The action's text with its sub-items, as the reviewer reads it.
            let mut text = a.text.clone();
            for sub in &a.sub_items {
                text.push_str("\n• ");
                text.push_str(&sub.text);
            }
            let row = ActionRow {
                id: &a.id,
                o: a.objective,
                file: &a.provenance.file,
                page: a.provenance.page,
                line: a.provenance.line,
                agency: a.submitter.as_deref().or(a.lead_agency.as_deref()),
                text: &text,
                figures: a
                    .figures
                    .iter()
                    .map(|f| {
                        let p = f.period.and_then(|i| a.periods.get(i));
                        (
                            f.raw.clone(),
                            f.value,
                            f.unit.clone(),
                            p.and_then(|p| p.start.clone()),
                            p.and_then(|p| p.end.clone()),
                        )
                    })
                    .collect(),
                periods: a.periods.iter().map(|p| p.raw.as_str()).collect(),
            };
            if !first {
                put(",").map_err(err)?;
            }
            first = false;
            put(&script_json(&row)).map_err(err)?;
        }
    }
    put("]</script>\n<script type=\"application/json\" id=\"data-flags\">[").map_err(err)?;
    first = true;
    if let Ok(f) = std::fs::File::open(&flags_path) {
        for line in std::io::BufReader::new(f).lines().map_while(Result::ok) {
            let Ok(fl) = serde_json::from_str::<Flag>(&line) else {
                continue;
            };
            let row = FlagRow {
                kind: &fl.kind,
                label: crate::audit::kind_label_es(&fl.kind),
                sev: fl.severity.as_str(),
                o: fl.objective,
                msg: &fl.message,
                ev: &fl.evidence,
                action: fl.action.as_deref(),
                file: fl.provenance.as_ref().map(|p| p.file.as_str()),
                page: fl.provenance.as_ref().and_then(|p| p.page),
                line: fl.provenance.as_ref().map(|p| p.line),
            };
            if !first {
                put(",").map_err(err)?;
            }
            first = false;
            put(&script_json(&row)).map_err(err)?;
        }
    }
    put(&format!(
        "]</script>\n<script>{JS}</script>\n</body></html>\n"
    ))
    .map_err(err)?;
    w.flush().map_err(err)?;
    drop(w);
    crate::output::publish(tmp, &target)
}

const CSS: &str = r##"
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:1.5rem auto;max-width:70rem;color:#222;padding:0 1rem}
h1{margin-bottom:.2rem}.sub{color:#666;margin-top:0}
#run{display:flex;flex-wrap:wrap;gap:.6rem;margin:1rem 0}#run div{border:1px solid #ddd;border-radius:.4rem;padding:.4rem .8rem;min-width:7rem}
#run dt{font-size:.8rem;color:#666}#run dd{margin:0;font-size:1.4rem;font-weight:600}
.error dd,.sev-error{color:#b00020}.warning dd,.sev-warning{color:#a65e00}.info dd,.sev-info{color:#245b9e}
svg text{font-size:12px;fill:#333}svg .none text{fill:#b00020;font-weight:600}
rect.listed,.k.listed{fill:#3b7dd8;background:#3b7dd8}rect.declared,.k.declared{fill:#c9c9c9;background:#c9c9c9}
.k{display:inline-block;width:.9rem;height:.6rem;margin:0 .2rem}
#filters{position:sticky;top:0;background:#fff;padding:.5rem 0;border-bottom:1px solid #eee;display:flex;flex-wrap:wrap;gap:.6rem;align-items:center}
.group{margin-top:1rem;font-weight:600}
.flag{border-left:4px solid #ccc;padding:.3rem .6rem;margin:.4rem 0;background:#fafafa}
.flag.error{border-color:#b00020}.flag.warning{border-color:#e09000}.flag.info{border-color:#3b7dd8}
#comparison tr.differs td{color:#b00020;font-weight:600}
.flag .src{color:#555;font-size:.85rem}.flag blockquote{margin:.3rem 0;padding:.3rem .5rem;background:#fff;border:1px solid #eee;font-size:.9rem;white-space:pre-line}
mark{background:#ffe066}
table{border-collapse:collapse;width:100%;font-size:.85rem}td,th{border:1px solid #e3e3e3;padding:.25rem .4rem;vertical-align:top}
details{margin:.3rem 0}summary{cursor:pointer;font-weight:600}
#pager button{margin:.2rem}
"##;

const JS: &str = r##"
(function(){
  var errors = 0;
  window.addEventListener('error', function(){ errors++; document.body.setAttribute('data-script-errors', String(errors)); });
  function data(id){ return JSON.parse(document.getElementById(id).textContent); }
  var titles = data('data-objectives'), actions = data('data-actions'), flags = data('data-flags');
  var byId = {}; actions.forEach(function(a){ byId[a.id] = a; });
  var order = {error:0, warning:1, info:2};
  var names = {error:'Errores', warning:'Advertencias', info:'Información'};
  function esc(s){ return String(s == null ? '' : s).replace(/[&<>"]/g, function(c){ return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]; }); }
  function agencyOf(f){ var a = f.action && byId[f.action]; return a && a.agency ? a.agency : ''; }
  function fill(sel, values){ values.forEach(function(v){ var o = document.createElement('option'); o.value = v[0]; o.textContent = v[1]; sel.appendChild(o); }); }
  var objs = {}, ags = {}, kinds = {};
  flags.forEach(function(f){ if (f.o) objs[f.o] = 1; var g = agencyOf(f); if (g) ags[g] = 1; kinds[f.kind] = f.label; });
  fill(document.getElementById('f-objective'), Object.keys(objs).sort(function(a,b){return a-b;}).map(function(k){ return [k, 'Objetivo ' + k]; }));
  fill(document.getElementById('f-agency'), Object.keys(ags).sort().map(function(k){ return [k, k]; }));
  fill(document.getElementById('f-kind'), Object.keys(kinds).sort().map(function(k){ return [k, kinds[k]]; }));
  var filter = {objective:'', agency:'', severity:'', kind:'', q:''};
  location.hash.replace(/^#/, '').split('&').forEach(function(p){ var kv = p.split('='); if (kv[0] in filter) filter[kv[0]] = decodeURIComponent(kv[1] || ''); });
  ['objective','agency','severity','kind'].forEach(function(k){ var el = document.getElementById('f-' + k); el.value = filter[k]; el.addEventListener('change', function(){ filter[k] = el.value; page = 0; render(); }); });
  var q = document.getElementById('f-q'); q.value = filter.q; q.addEventListener('input', function(){ filter.q = q.value; page = 0; render(); });
  function matches(f){
    if (filter.objective && String(f.o) !== filter.objective) return false;
    if (filter.severity && f.sev !== filter.severity) return false;
    if (filter.kind && f.kind !== filter.kind) return false;
    if (filter.agency && agencyOf(f) !== filter.agency) return false;
    if (filter.q){ var a = f.action && byId[f.action]; var hay = (f.msg + ' ' + f.ev + ' ' + (a ? a.text : '') + ' ' + (f.file || '')).toLowerCase(); if (hay.indexOf(filter.q.toLowerCase()) < 0) return false; }
    return true;
  }
  function re(t){ return new RegExp(esc(t).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'); }
  function highlight(text, ev){
    var out = esc(text), whole = String(ev || '');
    // The whole evidence where the text has it; else its numbers and longer words.
    if (whole && text.indexOf(whole) >= 0) return out.replace(re(whole), '<mark>$&</mark>');
    whole.split(/[\s→+;|]+/).filter(function(t){ return /\d/.test(t) || t.length >= 4; }).forEach(function(t){
      out = out.replace(re(t), '<mark>$&</mark>');
    });
    return out;
  }
  var page = 0, per = 100;
  function render(){
    var shown = flags.filter(matches).sort(function(a,b){ return (order[a.sev]-order[b.sev]) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0); });
    document.body.setAttribute('data-shown', String(shown.length));
    document.getElementById('shown').textContent = shown.length + ' de ' + flags.length + ' alertas';
    var html = [], last = '';
    shown.slice(page * per, page * per + per).forEach(function(f){
      var g = f.sev + '/' + f.kind;
      if (g !== last){ html.push('<div class="group sev-' + f.sev + '">' + names[f.sev] + ' · ' + esc(f.label) + '</div>'); last = g; }
      var a = f.action && byId[f.action];
      var src = (f.file ? esc(f.file) : '') + (f.page ? ', página ' + f.page : '') + (f.line ? ', línea ' + f.line : '');
      html.push('<div class="flag ' + f.sev + '" data-kind="' + esc(f.kind) + '"><div>' + esc(f.msg) + '</div>' +
        (a ? '<blockquote>' + highlight(a.text, f.ev) + '</blockquote>' : (f.ev ? '<blockquote><mark>' + esc(f.ev) + '</mark></blockquote>' : '')) +
        '<div class="src">' + src + (a ? ' · <a href="#a-' + esc(a.id) + '" data-open="' + a.o + '">acción ' + esc(a.id) + '</a>' : '') + '</div></div>');
    });
    document.getElementById('flags').innerHTML = html.join('');
    var pages = Math.ceil(shown.length / per), p = [];
    for (var i = 0; i < pages && pages > 1; i++) p.push('<button data-page="' + i + '"' + (i === page ? ' disabled' : '') + '>' + (i + 1) + '</button>');
    document.getElementById('pager').innerHTML = p.join('');
  }
  document.getElementById('pager').addEventListener('click', function(e){ var b = e.target.getAttribute('data-page'); if (b !== null){ page = +b; render(); } });
  var box = document.getElementById('actions');
  titles.forEach(function(t){
    var list = actions.filter(function(a){ return a.o === t[0]; });
    var d = document.createElement('details'); d.setAttribute('data-objective', t[0]);
    d.innerHTML = '<summary>Objetivo ' + t[0] + '. ' + esc(t[1]) + ' (' + list.length + ' acciones)</summary>';
    d.addEventListener('toggle', function(){
      if (!d.open || d.getAttribute('data-drawn')) return;
      d.setAttribute('data-drawn', '1');
      var rows = list.map(function(a){
        var figs = a.figures.map(function(f){ return esc(f[0]) + (f[2] ? ' ' + esc(f[2]) : '') + (f[3] || f[4] ? ' <small>(' + esc(f[3] || '…') + ' – ' + esc(f[4] || '…') + ')</small>' : ''); }).join('<br>');
        return '<tr id="a-' + esc(a.id) + '"><td>' + esc(a.id) + '<br><small>' + esc(a.file) + (a.page ? ' p. ' + a.page : '') + ' l. ' + a.line + '</small></td><td>' + esc(a.agency || '') + '</td><td>' + esc(a.text) + '</td><td>' + figs + '</td><td>' + a.periods.map(esc).join('<br>') + '</td></tr>';
      });
      d.insertAdjacentHTML('beforeend', '<table><tr><th>Acción</th><th>Dependencia</th><th>Texto</th><th>Cifras</th><th>Periodos</th></tr>' + rows.join('') + '</table>');
    });
    box.appendChild(d);
  });
  document.addEventListener('click', function(e){ var o = e.target.getAttribute && e.target.getAttribute('data-open'); if (o){ var d = box.querySelector('details[data-objective="' + o + '"]'); if (d && !d.open){ d.open = true; d.dispatchEvent(new Event('toggle')); } } });
  render();
})();
"##;
