"""A minimal server-rendered HTML shell: UTF-8, viewport meta, inline CSS, no script
(forms post to the same site only).

Every value put in a page goes through :func:`esc` (``html.escape``), so text written by a
station can never become markup.
"""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.responses import HTMLResponse

from province_server import texts

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_CSS = """
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
color:#1b1b1b;background:#f4f6f8;line-height:1.45}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.3rem;margin:.5rem 0 1rem;color:#8b1a1a}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.card{background:#fff;border-radius:.5rem;padding:1rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
dl{margin:0}dt{font-size:.85rem;color:#555;margin-top:.75rem}dd{margin:0;font-size:1.05rem}
.status{font-weight:700;font-size:1.2rem;color:#0b5394}
.note{margin-top:1rem;padding:.75rem;background:#eef6ee;border-radius:.4rem}
.muted{color:#666;font-size:.85rem}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}
th,td{border:1px solid #ccd;padding:.35rem .5rem;text-align:left}
th{background:#e8ecf2}td.n{text-align:right}.late{color:#b00020;font-weight:700}
form.lookup{max-width:32rem}form.lookup p:first-child{margin-top:0}
label{display:block;font-weight:600;margin:.9rem 0 .3rem}
input{box-sizing:border-box;width:100%;font:inherit;font-size:1.15rem;padding:.6rem .7rem;
border:1px solid #889;border-radius:.4rem;letter-spacing:.03em}
input:focus{outline:3px solid #0b5394;outline-offset:1px}
button{margin-top:1.1rem;width:100%;font:inherit;font-size:1.15rem;font-weight:700;
padding:.75rem;border:0;border-radius:.4rem;background:#8b1a1a;color:#fff}
p.problem,.problem strong{color:#b00020}
.card.problem{border-left:.35rem solid #b00020;margin-bottom:1rem}.card.problem p{margin:.3rem 0}
small{display:block;margin-top:.25rem}
@media (max-width:30rem){input#code{font-size:1rem;letter-spacing:0;padding:.6rem .5rem}}
.narrow{max-width:40rem;margin:0 auto}.narrow form.lookup{max-width:none}
.status-line{margin:0 0 .25rem}.status-line .status{display:block;margin-top:.15rem}
ol.timeline{list-style:none;margin:0;padding:1rem 1rem 1rem 1.6rem}
ol.timeline li{position:relative;padding:0 0 1rem 1rem;border-left:2px solid #c9d3de}
ol.timeline li:last-child{padding-bottom:0;border-left-color:transparent}
ol.timeline li::before{content:"";position:absolute;left:-.45rem;top:.2rem;width:.7rem;
height:.7rem;border-radius:50%;background:#0b5394}
ol.timeline li:last-child::before{background:#8b1a1a}
ol.timeline time{display:block;font-size:.85rem;color:#555}
ol.timeline strong,ol.timeline span{display:block}ol.timeline span{overflow-wrap:anywhere}
dd{overflow-wrap:anywhere}
main.wide{max-width:80rem}.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;
margin:.25rem 0 .5rem}.scroll>table{min-width:50rem}.scroll>table.figures{min-width:46rem}
table.figures th.office{text-align:left;font-weight:600;background:#fff;min-width:9rem;
position:sticky;left:0;z-index:1}table.figures tr.total th{position:sticky;left:0}
table.figures th.office small{color:#666;font-weight:400}
table.figures th.office a{color:#0b5394}
table.figures tr.total th,table.figures tr.total td{font-weight:700;background:#f0f3f7}
table.figures th{text-align:center}table.figures td{white-space:nowrap}
td.bad{color:#b00020;font-weight:700}
tr.silent-amber td{background:#fff4d6}tr.silent-red td{background:#fde2e2}
tr.silent-red td:nth-child(7){color:#b00020;font-weight:700}
tr.silent-amber td:nth-child(7){color:#8a5300;font-weight:700}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.6rem;
margin:1rem 0}
.tile{background:#fff;border-radius:.5rem;padding:.6rem .8rem;box-shadow:0 1px 3px
rgba(0,0,0,.12)}.tile span{display:block;font-size:.85rem;color:#555}
.tile strong{font-size:1.6rem;color:#0b5394}.tile.bad strong{color:#b00020}
.card.period p.muted{margin:0 0 .3rem}
form.row{display:flex;flex-wrap:wrap;gap:.2rem .8rem;align-items:flex-end}
form.row p{margin:0;flex:1 1 8rem;min-width:0;max-width:22rem}form.row input{min-width:0}
form.row p.wide{flex-basis:100%}
form.row p.go{flex:0 0 auto}form.row p.go button{width:auto;padding:.45rem 1.4rem;
background:#0b5394}form.row+form.row{margin-top:.3rem}
form.row label{margin:.4rem 0 .2rem}form.row input{font-size:1rem;padding:.45rem .5rem}
form.row button{margin-top:.4rem;padding:.5rem;font-size:1rem}
form.revoke button{margin:0;padding:.25rem .6rem;font-size:.85rem;width:auto}
form.inline{display:inline}button.link{display:inline;width:auto;margin:0 0 0 .75rem;
padding:0;background:none;color:#0b5394;font-size:.9rem;font-weight:600;
text-decoration:underline}
div.account{display:flex;justify-content:flex-end;align-items:center;flex-wrap:wrap;
font-size:.9rem;color:#444}
a.button{display:inline-block;background:#0b5394;color:#fff;padding:.55rem .9rem;
border-radius:.4rem;text-decoration:none;font-weight:600}
svg.chart{display:block;max-width:32rem;background:#fff;border-radius:.5rem;
padding:.5rem;box-sizing:border-box;margin:.5rem 0}
details.issue{margin:.5rem 0}details.issue summary{font-weight:700;cursor:pointer}
.card.notice{border-left:.35rem solid #2e7d32;margin-bottom:1rem}
.card.notice strong{font-size:1.3rem;letter-spacing:.05em}
@media (max-width:30rem){main{padding:.6rem}table{font-size:.82rem}
th,td{padding:.3rem .35rem}h1{font-size:1.15rem}}
"""


_WIDE = ' class="wide"'


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def page(
    title: str, body: str, *, status: int = 200, robots: bool = False, wide: bool = False
) -> HTMLResponse:
    """A complete page; ``body`` is already-escaped HTML. Never cached, never indexed."""
    document = (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="robots" content="{"index" if robots else "noindex, nofollow"}">'
        f"<title>{esc(title)}</title><style>{_CSS}</style></head>"
        f"<body><main{_WIDE if wide else ''}>{body}</main></body></html>"
    )
    return HTMLResponse(
        document,
        status_code=status,
        headers={
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": (
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
            ),
        },
    )


def vn_short(value: datetime) -> str:
    """``08:30, 15/03/2026`` in Vietnam's time (the timeline's lines)."""
    local = value.astimezone(VN_TZ)
    return texts.short_time(local.hour, local.minute, local.day, local.month, local.year)


def vn_time(value: datetime | None) -> str:
    """``08 giờ 30 phút, ngày 15/03/2026`` in Vietnam's time, or "" for None."""
    if value is None:
        return ""
    local = value.astimezone(VN_TZ)
    return texts.time_text(local.hour, local.minute, local.day, local.month, local.year)
