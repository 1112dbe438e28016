/** The console's stylesheet, inlined in the page (one request fewer, and nothing to cache-bust). */
export const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;background:#f5f6f8;color:#1c2330}
header{display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;align-items:center;padding:.6rem 1rem;background:#101828;color:#fff}
header h1{font-size:1.05rem;margin:0}header a{color:#c7d2fe}#conn{font-size:.8rem;color:#9ca3af}#conn[data-state=live]{color:#86efac}
#services{display:flex;flex-wrap:wrap;gap:.3rem .9rem;list-style:none;margin:0;padding:0;font-size:.82rem}
.service .dot{display:inline-block;width:.55rem;height:.55rem;border-radius:50%;background:#6b7280;margin-right:.3rem}
.service.up .dot{background:#22c55e}.service.down .dot{background:#ef4444}.service.no-recorder .dot{background:#f59e0b}
.service .muted{color:#9ca3af}
main{display:grid;grid-template-columns:330px minmax(0,1fr) 360px;gap:.8rem;padding:.8rem}
section,aside{background:#fff;border:1px solid #e3e6eb;border-radius:8px;padding:.8rem;min-width:0}
h2{font-size:1rem;margin:0 0 .5rem}h3{font-size:.9rem;margin:.8rem 0 .3rem}
.muted{color:#6b7280;font-size:.82rem}.error{background:#fef2f2;border:1px solid #fca5a5;color:#991b1b;padding:.4rem .6rem;border-radius:6px}
details.scenario{border-bottom:1px solid #eef0f3;padding:.35rem 0}details.scenario summary{cursor:pointer}
.sid{font-weight:700;color:#4338ca}.unbuilt summary{color:#9ca3af}.unbuilt .sid{color:#9ca3af}
.badge{display:inline-block;font-size:.72rem;padding:0 .35rem;border-radius:4px;background:#eef0f3;margin-left:.3rem;color:#374151}
.badge.running{background:#dbeafe}.badge.passed{background:#dcfce7}.badge.failed{background:#fee2e2}
.story{margin:.3rem 0}.steps{margin:.2rem 0 .4rem;padding-left:1.2rem;font-size:.85rem}
form.params label{display:block;font-size:.8rem;margin:.25rem 0}form.params input[type=text],form.params input[type=number],form.params input[type=url]{width:100%;padding:.3rem;border:1px solid #cfd5dd;border-radius:5px}
button{background:#4338ca;color:#fff;border:0;border-radius:5px;padding:.35rem .7rem;cursor:pointer;font-size:.85rem}button:disabled{background:#cbd5e1;cursor:default}
button.close{background:none;color:#374151;font-size:1.2rem;padding:0 .3rem}
.run-steps{padding-left:1.3rem}.step{margin:.2rem 0;color:#9ca3af}.step.done,.step.passed{color:#166534}.step.running{color:#1d4ed8;font-weight:600}.step.failed{color:#b91c1c}
.step .lines{list-style:none;padding-left:.4rem;margin:.1rem 0;font-weight:400;color:#374151;font-size:.82rem}.at{color:#9ca3af;font-variant-numeric:tabular-nums}
.toolbar{display:flex;gap:.6rem;align-items:center;flex-wrap:wrap;margin:.6rem 0}.toolbar select{max-width:100%;padding:.25rem}
.legend-row{display:flex;gap:.8rem;flex-wrap:wrap;font-size:.78rem;color:#4b5563}.legend-row i{display:inline-block;width:1.2rem;height:0;border-top:2px solid;vertical-align:middle;margin-right:.25rem}
#diagram{overflow:auto;max-height:70vh;border:1px solid #eef0f3;border-radius:6px}
svg .lifeline{stroke:#cbd5e1;stroke-dasharray:4 4}svg .actor{fill:#eef2ff;stroke:#a5b4fc}svg .actor-name{font-weight:600;font-size:12px}
svg .hop{cursor:pointer}svg .hop .hit{fill:transparent}svg .hop:hover .hit,svg .hop:focus .hit{fill:#f1f5f9}svg .hop.selected .hit{fill:#e0e7ff}
svg .arrow{stroke-width:1.8;fill:none}svg .label{font-size:11px}svg .outcome{font-size:10px;fill:#4b5563}svg .time{font-size:10px;fill:#9ca3af}
svg .api .arrow{stroke:#2563eb}svg .webhook .arrow{stroke:#7c3aed}svg .other .arrow{stroke:#0d9488}svg .email .arrow{stroke:#db2777;stroke-dasharray:8 3 2 3}svg .queue .arrow{stroke:#b45309;stroke-dasharray:2 3}svg .topic .arrow{stroke:#0891b2;stroke-dasharray:10 4}
svg .retry .arrow{stroke:#d97706;stroke-dasharray:6 3}svg .exercise .label{fill:#0f766e;font-weight:700}svg .fail .arrow{stroke:#dc2626}svg .idle .arrow{stroke:#9ca3af}svg .fail .outcome,svg .cross{fill:#dc2626}
svg .head.api{fill:#2563eb}svg .head.webhook{fill:#7c3aed}svg .head.other{fill:#0d9488}svg .head.email{fill:#db2777}svg .head.queue{fill:#b45309}svg .head.topic{fill:#0891b2}svg .head.fail{fill:#dc2626}svg .head.retry{fill:#d97706}svg .head.idle{fill:#9ca3af}
svg .bar.push{fill:#7c3aed}svg .bar.poll{fill:#f59e0b}svg .bar.poll.side-2{fill:#d97706}svg .bar.poll.side-3{fill:#b45309}svg .bar.poll.side-4{fill:#92400e}svg .metric,svg .legend,svg .value{font-size:11px}
table{border-collapse:collapse;width:100%;font-size:.82rem}td,th{text-align:left;padding:.2rem .3rem;border-bottom:1px solid #f0f2f5;vertical-align:top}
table.counters td:nth-child(n+2){text-align:right;font-variant-numeric:tabular-nums}table.headers th{white-space:nowrap;color:#4b5563;font-weight:500}
pre{white-space:pre-wrap;word-break:break-all;background:#f8fafc;border:1px solid #eef0f3;border-radius:5px;padding:.4rem;font-size:.75rem;max-height:18rem;overflow:auto;margin:0}
.control{border-top:1px solid #eef0f3;padding:.3rem 0}.control h3{margin:.2rem 0}.fault{display:flex;flex-wrap:wrap;gap:.3rem;align-items:center}
input.small{width:7.5rem;padding:.25rem;border:1px solid #cfd5dd;border-radius:5px}.sender{margin-top:.3rem;font-size:.85rem}
.switches{list-style:none;padding:0;margin:0;font-size:.82rem}.switches li{border-bottom:1px solid #f0f2f5;padding:.3rem 0}.effect{color:#374151}
#details{position:fixed;right:.8rem;top:4rem;bottom:.8rem;width:min(560px,95vw);overflow:auto;box-shadow:0 10px 30px rgba(0,0,0,.18);z-index:5}
.detail-head{display:flex;justify-content:space-between;align-items:start}#flash{position:fixed;bottom:1rem;left:50%;transform:translateX(-50%);z-index:6}
table.trials td.answer{font-family:ui-monospace,monospace;font-size:.75rem;word-break:break-word}table.trials td.mark{white-space:nowrap;font-weight:600}
tr.refused .mark,.ok{color:#166534}tr.not-refused{background:#fef2f2}tr.not-refused .mark{color:#b91c1c}#trials{max-height:40vh;overflow:auto;margin-top:.6rem}
@media (max-width:1100px){main{grid-template-columns:1fr}}
`;
