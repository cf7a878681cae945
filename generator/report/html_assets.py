"""The page's inline CSS and its one small script (the tenant filter, and opening sections to print).

Nothing is loaded from anywhere: no fonts, images or external scripts, so the page works offline.
"""

CSS = """
:root{--ok:#176b2c;--bad:#a4161a;--nc:#6b5900;--line:#d0d4d9;--soft:#f4f6f8}
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1200px;
padding:0 16px 48px;color:#111}
h1{font-size:22px;margin:20px 0 4px}h2{font-size:18px;border-bottom:2px solid var(--line);margin-top:28px}
h3{font-size:15px;margin:16px 0 4px}h4{font-size:14px;margin:12px 0 4px}h5{font-size:13px;margin:10px 0 2px}
code,pre{font:12px/1.35 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{white-space:pre-wrap;background:var(--soft);padding:6px;margin:4px 0}
table{border-collapse:collapse;width:100%;margin:4px 0}
th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
th{background:var(--soft)}
.met,.ok .v{color:var(--ok);font-weight:600}.notmet,.bad .v{color:var(--bad);font-weight:700}
.notchecked{color:var(--nc);font-weight:600}
tr.bad{background:#fdecec}
.t{border:1px solid var(--line);margin:6px 0;padding:2px 8px;content-visibility:auto;
contain-intrinsic-size:auto 48px}
.t>summary{cursor:pointer;font-weight:600}.t[data-f]>summary{color:var(--bad)}
.r{border-top:1px dashed var(--line);margin-top:6px}
.muted{color:#555}.ans{background:var(--soft);padding:4px 8px}
nav a{margin-right:12px}#q{width:60%;padding:4px;font-size:14px}
@media print{nav,#filter{display:none}body{max-width:none;font-size:11px}
.t{content-visibility:visible;break-inside:avoid-page}details>summary{list-style:none}
a{color:inherit;text-decoration:none}tr{break-inside:avoid}h2{break-after:avoid}}
"""

# The filter: tenants whose name, account or text of the summary line contain every word typed;
# "failed" as a word keeps only tenants with a failure. Before printing, tenant sections are opened.
SCRIPT = """
(function(){var q=document.getElementById('q'),n=document.getElementById('qn');
var ts=[].slice.call(document.querySelectorAll('details.t'));
function f(){var w=q.value.toLowerCase().split(/\\s+/).filter(Boolean),c=0;
ts.forEach(function(t){var k=t.getAttribute('data-k');var s=w.every(function(x){
return x==='failed'?t.hasAttribute('data-f'):k.indexOf(x)>=0});t.hidden=!s;if(s)c++});
n.textContent=c+' of '+ts.length+' tenants'}
if(q){q.addEventListener('input',f);f()}
window.addEventListener('beforeprint',function(){ts.forEach(function(t){if(!t.hidden)t.open=true})});
})();
"""
