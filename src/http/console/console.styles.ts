/** Console styles: system fonts only, so the page works offline and loads nothing else. */
export const CONSOLE_CSS = `
:root { --fg: #1d2329; --muted: #5f6b76; --line: #d5dbe1; --bg: #f7f8fa; --block: #a4161a; --review: #b35c00; --ok: #1b6e3a; --accent: #174ea6; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header.bar { display: flex; justify-content: space-between; align-items: center; padding: 8px 20px; background: #fff; border-bottom: 1px solid var(--line); }
h1 { font-size: 18px; margin: 0; } h2 { font-size: 16px; margin: 0 12px 0 0; } h3 { font-size: 15px; margin: 18px 0 8px; } h4 { margin: 10px 0 6px; font-size: 14px; }
main { padding: 16px 20px; max-width: 1300px; }
.muted { color: var(--muted); font-weight: normal; }
.row { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; margin-bottom: 10px; }
#message { margin: 10px 20px 0; padding: 8px 12px; border-radius: 4px; background: #e8f0fe; border: 1px solid #b6cdf8; }
#message.error { background: #fdecea; border-color: #f5b7b1; }
form, .panel { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
label { display: inline-flex; gap: 6px; align-items: center; }
input, select, textarea, button { font: inherit; }
input, select, textarea { border: 1px solid var(--line); border-radius: 4px; padding: 4px 6px; background: #fff; }
textarea { width: 100%; min-height: 60px; }
button { border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; padding: 4px 12px; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button.link { border: none; background: none; color: var(--accent); padding: 0; text-decoration: underline; }
button:disabled { opacity: .5; cursor: default; }
table.grid { width: 100%; border-collapse: collapse; background: #fff; }
table.grid th, table.grid td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
table.grid th { font-weight: 600; background: #eef1f4; }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px; border: 1px solid currentColor; }
.outcome-block { color: var(--block); } .outcome-review { color: var(--review); } .outcome-clear { color: var(--ok); }
.status-closed { color: var(--ok); } .status-pending_approval { color: var(--accent); } .status-escalated { color: var(--block); }
.summary { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 6px 16px; }
.summary div span:first-child { color: var(--muted); display: block; font-size: 12px; }
.actions { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 12px; margin-top: 12px; }
.actions .panel { display: flex; flex-direction: column; gap: 6px; }
.hit { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; padding: 10px; }
.hit.cleared { opacity: .75; border-style: dashed; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.side > div { border: 1px solid var(--line); border-radius: 4px; padding: 8px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0; }
dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
.indicator { border-left: 3px solid var(--review); padding: 4px 8px; margin-top: 8px; background: #fffaf3; }
ol.events { padding-left: 20px; } ol.events li { margin-bottom: 4px; }
pre.note { white-space: pre-wrap; margin: 2px 0 0; font: inherit; }
`;
