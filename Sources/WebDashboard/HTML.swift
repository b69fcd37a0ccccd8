import Quota

/// Building the dashboard's HTML: every text and attribute value goes through ``escape(_:)``.
enum HTML {
    /// `text` with `&`, `<`, `>`, `"` and `'` escaped: safe in element text and in quoted attributes (the quota
    /// report's escaping, one implementation for both).
    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    /// `component` percent-encoded for a URL path segment (everything but unreserved characters).
    static func pathComponent(_ component: String) -> String {
        var out = ""
        for byte in component.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// A whole page: the layout (navigation, CJK font stack), `body`, the stylesheet and — when `live` — the few
    /// lines of script that apply server-sent updates, both under the response's nonce.
    static func page(title: String, nonce: String, live: Bool, body: String, extraStyle: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) · Quire</title>
        <style nonce="\(nonce)">\(stylesheet)\(extraStyle)</style>
        </head>
        <body>
        <nav><a href="/" class="brand">Quire</a> <a href="/">总览 Overview</a> <a href="/verify">核验结果 Verify results</a>
        <a href="/api/openapi.json">API</a> <a href="/metrics">指标 Metrics</a>
        <span class="live" data-live-state>\(live ? "实时 live" : "")</span></nav>
        <main>
        \(body)
        </main>
        \(live ? "<script nonce=\"\(nonce)\">\(liveScript)</script>" : "")
        </body>
        </html>

        """
    }

    /// Applies each `status` event: every element whose `data-live` names a key of the event's object shows its new
    /// value (a `<progress>` takes it as its value). The server computes the texts, so page and updates agree.
    static let liveScript = """
        (function(){var s=new EventSource('/events');var mark=document.querySelector('[data-live-state]');
        s.addEventListener('status',function(e){var d=JSON.parse(e.data);Object.keys(d).forEach(function(k){
        document.querySelectorAll('[data-live="'+CSS.escape(k)+'"]').forEach(function(el){
        if(el.tagName==='PROGRESS'){el.value=Number(d[k]);}else{el.textContent=d[k];}});});
        document.body.setAttribute('data-updates',String(Number(document.body.getAttribute('data-updates')||0)+1));});
        s.onerror=function(){if(mark){mark.textContent='重连中 reconnecting';}};
        s.onopen=function(){if(mark){mark.textContent='实时 live';}};})();
        """

    static let stylesheet = """
        :root { --ink: #1a1a1a; --muted: #5f6368; --line: #dadce0; --accent: #1565c0; --bad: #c62828; --ok: #2e7d32; }
        body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", system-ui, sans-serif;
          color: var(--ink); margin: 0; background: #fafafa; }
        nav { background: #263238; color: #fff; padding: 10px 24px; display: flex; gap: 18px; align-items: baseline; flex-wrap: wrap; }
        nav a { color: #e3f2fd; text-decoration: none; } nav a.brand { font-weight: 700; color: #fff; font-size: 18px; }
        nav .live { margin-left: auto; color: #a5d6a7; font-size: 13px; }
        main { padding: 16px 24px 40px; max-width: 1200px; }
        h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; } .en { color: var(--muted); font-weight: 400; }
        table { border-collapse: collapse; background: #fff; margin: 8px 0; font-size: 14px; }
        th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
        th { background: #eceff1; font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
        progress { width: 160px; height: 12px; vertical-align: middle; }
        .bad { color: var(--bad); } .ok { color: var(--ok); } .muted { color: var(--muted); }
        .note { color: var(--muted); font-size: 13px; }
        code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }

        """
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
