/** The dashboard's stylesheet (inline in the page). Colours meet WCAG AA contrast (4.5:1 for text) on their backgrounds. */
export const DASHBOARD_STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f5f6f8; }
header { background: #1d2330; color: #fff; padding: 12px 20px; display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 18px; margin: 0; }
header .meta { color: #c9d1d9; }
#status { color: #c9d1d9; margin-left: auto; }
nav { background: #fff; border-bottom: 1px solid #d0d7de; padding: 0 20px; }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; gap: 4px; flex-wrap: wrap; }
nav button { font: inherit; background: none; border: 0; border-bottom: 3px solid transparent; padding: 10px 12px; color: #1d2330; cursor: pointer; }
nav button[aria-current="true"] { border-bottom-color: #0969da; font-weight: 600; }
:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
main { padding: 16px 20px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin-bottom: 16px; }
.card { background: #fff; border-radius: 6px; padding: 10px 14px; min-width: 140px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.card .n { font-size: 22px; font-weight: 600; }
.card .l { color: #57606a; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
h2 { font-size: 16px; margin: 8px 0 10px; }
h3 { font-size: 15px; margin: 20px 0 8px; }
table { border-collapse: collapse; width: 100%; background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e6e8ee; vertical-align: top; }
th { font-size: 12px; color: #57606a; font-weight: 600; }
.mono, td.mono { font-family: ui-monospace, monospace; font-size: 12px; }
tr.selected { background: #ddf4ff; }
tr.previous td { background: #f6f8fa; color: #424a53; }
button.link { font: inherit; background: none; border: 0; padding: 0; color: #0550ae; text-decoration: underline; cursor: pointer; text-align: left; }
button.small, a.small { font-size: 12px; }
a { color: #0550ae; }
.state { font-weight: 600; }
.RUNNING, .DEPLOYING, .running { color: #0550ae; } .FINISHED { color: #1a7f37; } .FAILED, .lost { color: #cf222e; }
.CANCELED, .CANCELLING, .released { color: #6639ba; } .INITIALIZING, .SCHEDULED { color: #57606a; }
.task { display: inline-block; min-width: 18px; padding: 1px 4px; margin: 1px; border-radius: 3px; color: #fff; font-size: 11px; text-align: center; background: #57606a; }
.task.RUNNING, .task.DEPLOYING { background: #0550ae; } .task.FINISHED { background: #1a7f37; } .task.FAILED { background: #cf222e; } .task.CANCELED { background: #6639ba; }
.error { color: #a40e26; white-space: pre-wrap; }
details summary { cursor: pointer; }
pre { white-space: pre-wrap; word-break: break-word; margin: 4px 0; }
pre.stack { background: #fff1f0; color: #82071e; padding: 6px 8px; border-radius: 4px; font-size: 12px; max-height: 320px; overflow: auto; }
.timeline { background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.08); padding: 8px 10px; }
.lane { display: flex; align-items: center; gap: 8px; height: 22px; }
.lane .label { width: 70px; font-size: 12px; color: #57606a; flex: none; }
.track { position: relative; flex: 1; height: 14px; background: #eef1f4; border-radius: 3px; }
.progress { white-space: nowrap; }
.meter { display: inline-block; vertical-align: middle; width: 80px; height: 8px; border-radius: 4px; background: #d0d7de; overflow: hidden; }
.meter .fill { display: block; height: 100%; background: #0969da; }
.bar { position: absolute; top: 0; height: 14px; min-width: 3px; border-radius: 3px; background: #57606a; }
.bar.RUNNING, .bar.DEPLOYING { background: #0969da; } .bar.FINISHED { background: #1a7f37; } .bar.FAILED { background: #cf222e; } .bar.CANCELED { background: #8250df; }
.axis { display: flex; justify-content: space-between; font-size: 12px; color: #57606a; margin-left: 78px; }
.panel { background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.08); padding: 10px 14px; margin-top: 12px; }
ol.lines { list-style: none; margin: 6px 0 0; padding: 0; font-family: ui-monospace, monospace; font-size: 12px; max-height: 420px; overflow: auto; }
ol.lines li { display: flex; gap: 8px; padding: 1px 4px; }
ol.lines li .t { color: #57606a; flex: none; }
ol.lines li .s { flex: none; width: 48px; color: #57606a; }
ol.lines li.stderr { background: #fff1f0; color: #82071e; }
ol.lines li.stderr .s { color: #82071e; font-weight: 600; }
ol.lines li .x { white-space: pre-wrap; word-break: break-word; }
#problem { display: none; background: #ffebe9; color: #82071e; padding: 8px 20px; }
.empty { color: #57606a; padding: 10px; }
.toolbar { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-bottom: 8px; }
.toolbar button { font: inherit; padding: 4px 10px; border: 1px solid #8c959f; border-radius: 4px; background: #fff; color: #1d2330; cursor: pointer; }
.toolbar button[aria-pressed="true"] { background: #ddf4ff; border-color: #0969da; }
input[type="search"] { font: inherit; padding: 4px 8px; border: 1px solid #8c959f; border-radius: 4px; min-width: 260px; }
pre.log { background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.08); padding: 10px; font-size: 12px; max-height: 70vh; overflow: auto; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
