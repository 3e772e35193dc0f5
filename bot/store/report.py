"""`tpm-bot report`: what people asked, what helped, and what the guide is missing.

Read from the store: questions per day, the share answered / partial / suggested / declined,
the most asked sections with their 👍 / 👎, the most common unanswered topics (questions grouped
by their normalised terms) and the reasons people gave for a 👎; and, per week, whether
teaching helps: the examples and gaps maintainers wrote to knowledge files beside the share
answered and the 👍 rate. Three forms: JSON, a terminal table, and one self-contained HTML page
with inline SVG charts (no scripts, no links out).
"""

from __future__ import annotations

import html
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from bot.store.models import FeedbackVote, Question, Teaching

STATUSES = ("answer", "partial", "suggest", "none")
STATUS_LABELS = {
    "answer": "answered",
    "partial": "partly answered",
    "suggest": "suggested topics",
    "none": "declined",
}
STATUS_COLOURS = {
    "answer": "#2e7d32",
    "partial": "#9ccc65",
    "suggest": "#ffb300",
    "none": "#c62828",
}
TOP = 15
#: Cleaned texts shown under each unanswered topic (TPM_BOT_LOG_QUESTIONS=text).
TEXTS_PER_GAP = 3


#: The longest period a report covers: far beyond any retention, and within calendar dates.
MAX_SINCE_DAYS = 3650


def parse_since(text: str) -> float:
    """Seconds in "7d", "12h", "2w" or "30m"; ValueError otherwise."""
    units = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
    number, unit = text[:-1], text[-1:].lower()
    if unit not in units or not number.isdigit() or int(number) == 0:
        raise ValueError(f"--since must look like 7d, 12h, 2w or 30m, not {text!r}")
    seconds = int(number) * units[unit]
    if seconds > MAX_SINCE_DAYS * 86400:
        raise ValueError(f"--since covers at most {MAX_SINCE_DAYS}d (ten years), not {text!r}")
    return seconds


def _day(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d")


WEEK = 7 * 86400
#: 1970-01-01 was a Thursday: the first Monday (UTC) is four days later.
_FIRST_MONDAY = 4 * 86400
#: Weeks the HTML chart of learning shows (the JSON and the table have every week).
CHART_WEEKS = 26


def week_start(at: float) -> float:
    """The Monday, 00:00 UTC, that starts the ISO week of `at`."""
    return (at - _FIRST_MONDAY) // WEEK * WEEK + _FIRST_MONDAY


def _rate(part: int, whole: int) -> float | None:
    """A share with three decimals; None (a gap in the chart, not a zero) when nothing to share."""
    return round(part / whole, 3) if whole else None


def per_week(
    start: float,
    now: float,
    questions: list[tuple[float, str]],
    votes: list[tuple[float, bool]],
    taught: list[tuple[float, bool]],
) -> list[dict[str, Any]]:
    """Whether teaching helps, one row per ISO week (Monday, UTC) of the period, quiet ones too.

    Only times and counts: `questions` are (asked at, decision), `votes` (voted at, helpful),
    `taught` (written to a file at, is a gap). No question text or anything about a person.
    A share with nothing to share (no questions, no votes) is None, not 0.
    """
    weeks: dict[float, dict[str, int]] = {}
    first = week_start(start)
    for monday in range(int(first), int(week_start(now)) + 1, WEEK):
        weeks[monday] = Counter()  # every week shown, quiet ones too
    for at, status in questions:
        counts = weeks.setdefault(week_start(at), Counter())
        counts["questions"] += 1
        counts["answered"] += status == "answer"
    for at, helpful in votes:
        counts = weeks.setdefault(week_start(at), Counter())
        counts["votes"] += 1
        counts["helpful"] += helpful
    for at, gap in taught:
        counts = weeks.setdefault(week_start(at), Counter())
        counts["gaps_marked" if gap else "examples_added"] += 1
    return [
        {
            "week": _day(monday),
            "questions": c["questions"],
            "answered": c["answered"],
            "answered_share": _rate(c["answered"], c["questions"]),
            "votes": c["votes"],
            "helpful": c["helpful"],
            "helpful_rate": _rate(c["helpful"], c["votes"]),
            "examples_added": c["examples_added"],
            "gaps_marked": c["gaps_marked"],
        }
        for monday, c in sorted(weeks.items())
    ]


def period_start(since_seconds: float, now: float) -> float:
    """When the period of `since_seconds` before `now` begins.

    A period of whole days ("7d", "2w") is that many calendar days (UTC), today included: the
    per-day rows and the totals then cover exactly 7 days, not 7 × 24 hours that start partway
    through an eighth. Shorter periods ("12h", "30m") run back from now.
    """
    if since_seconds >= 86400 and since_seconds % 86400 == 0:
        today = now // 86400 * 86400
        return today - (since_seconds // 86400 - 1) * 86400
    return now - since_seconds


def build_report(engine: Engine, since_seconds: float, now: float | None = None) -> dict[str, Any]:
    now = now or time.time()
    start = period_start(since_seconds, now)
    with engine.connect() as connection:
        questions = connection.execute(
            select(
                Question.asked_at, Question.status, Question.section, Question.terms, Question.text
            ).where(Question.asked_at >= start)
        ).all()
        votes = connection.execute(
            select(
                FeedbackVote.voted_at,
                FeedbackVote.section,
                FeedbackVote.helpful,
                FeedbackVote.reason,
            ).where(FeedbackVote.voted_at >= start)
        ).all()
        # What `review` wrote to knowledge files in the period: when, and whether it was a gap
        # ("not in the guide": no section). Never the question or the note.
        taught = connection.execute(
            select(Teaching.written_at, Teaching.section.is_(None).label("gap")).where(
                Teaching.written_at.is_not(None), Teaching.written_at >= start
            )
        ).all()
    by_status = Counter(q.status for q in questions)
    days: dict[str, Counter[str]] = defaultdict(Counter)
    first_day = int(start // 86400)
    for day in range(first_day, int(now // 86400) + 1):
        days[_day(day * 86400)]  # every day shown, quiet ones too
    for q in questions:
        days[_day(q.asked_at)][q.status] += 1
    asked = Counter(q.section for q in questions if q.section)
    helpful = Counter(v.section for v in votes if v.helpful)
    not_helpful = Counter(v.section for v in votes if not v.helpful)
    section_ids = sorted(set(asked) | set(helpful) | set(not_helpful), key=lambda s: (-asked[s], s))
    sections = []
    for section in section_ids:
        voted = helpful[section] + not_helpful[section]
        sections.append(
            {
                "id": section,
                "asked": asked[section],
                "helpful": helpful[section],
                "not_helpful": not_helpful[section],
                "helpful_rate": round(helpful[section] / voted, 3) if voted else None,
            }
        )
    gaps = Counter(q.terms for q in questions if q.terms)
    # With TPM_BOT_LOG_QUESTIONS=text the cleaned questions are kept: shown under their terms
    # (newest first), since the words alone rarely say what was asked.
    texts: dict[str, list[str]] = defaultdict(list)
    for q in sorted(questions, key=lambda q: -q.asked_at):
        shown = texts[q.terms] if q.terms else None
        if shown is not None and q.text and q.text not in shown and len(shown) < TEXTS_PER_GAP:
            shown.append(q.text)
    reasons = Counter(v.reason for v in votes if v.reason)
    total = len(questions)
    return {
        "since": datetime.fromtimestamp(start, UTC).isoformat(timespec="seconds"),
        "until": datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds"),
        "questions": total,
        "by_status": {status: by_status[status] for status in STATUSES},
        "share": {
            status: round(by_status[status] / total, 3) if total else 0.0 for status in STATUSES
        },
        "per_day": [
            {"day": day, "questions": sum(counts.values()), **{s: counts[s] for s in STATUSES}}
            for day, counts in sorted(days.items())
        ],
        "sections": sections[: TOP * 2],
        "sections_total": len(sections),
        "gaps": [
            {"terms": terms, "count": count, "texts": texts.get(terms, [])}
            for terms, count in gaps.most_common(TOP)
        ],
        "gaps_total": len(gaps),
        "reasons": [{"text": text, "count": count} for text, count in reasons.most_common(TOP)],
        "reasons_total": len(reasons),
        "votes": {"helpful": sum(helpful.values()), "not_helpful": sum(not_helpful.values())},
        "per_week": per_week(
            start,
            now,
            [(q.asked_at, q.status) for q in questions],
            [(v.voted_at, bool(v.helpful)) for v in votes],
            [(t.written_at, bool(t.gap)) for t in taught],
        ),
    }


def _percent(part: float) -> str:
    return f"{part * 100:.0f}%"


def _more(shown: int, total: int, what: str) -> str | None:
    """The note under a list cut at TOP: how many more there are and where to see them."""
    hidden = total - shown
    if hidden <= 0:
        return None
    return f"  … and {hidden} more {what} (all counted in --json's totals)"


def render_table(report: dict[str, Any]) -> str:
    """The report as plain text tables for a terminal."""
    lines = [f"tpm-bot report, {report['since'][:10]} to {report['until'][:10]} (UTC)", ""]
    total = report["questions"]
    lines.append(f"Questions: {total}")
    for status in STATUSES:
        count = report["by_status"][status]
        lines.append(
            f"  {STATUS_LABELS[status]:<18} {count:>6}  {_percent(report['share'][status]):>4}"
        )
    lines += ["", "Per day        total  answer partial suggest   none"]
    for day in report["per_day"]:
        lines.append(
            f"{day['day']}  {day['questions']:>6}  {day['answer']:>6} {day['partial']:>7}"
            f" {day['suggest']:>7} {day['none']:>6}"
        )
    lines += _week_lines(report.get("per_week", []))
    # Ids are shown whole (a cut id cannot be looked up): the column is as wide as the longest.
    width = max([len("Section"), *(len(s["id"]) for s in report["sections"])])
    lines += ["", f"{'Section':<{width}}   asked  helpful  unhelpful   rate"]
    if not report["sections"]:
        lines.append("  (none yet)")
    for section in report["sections"]:
        rate = section["helpful_rate"]
        lines.append(
            f"{section['id']:<{width}} {section['asked']:>7} {section['helpful']:>8}"
            f" {section['not_helpful']:>10} {_percent(rate) if rate is not None else '-':>6}"
        )
    more = _more(len(report["sections"]), report.get("sections_total", 0), "sections")
    lines += [more] if more else []
    lines += ["", "Not answered (grouped terms)              count"]
    if not report["gaps"]:
        lines.append("  (none yet)")
    for gap in report["gaps"]:
        lines.append(f"{gap['terms'][:40]:<40} {gap['count']:>7}")
        lines += [f"    “{text}”" for text in gap.get("texts", [])]
    more = _more(len(report["gaps"]), report.get("gaps_total", 0), "unanswered topics")
    lines += [more] if more else []
    if report["reasons"]:
        lines += ["", "What 'not helpful' voters were looking for  count"]
        for reason in report["reasons"]:
            lines.append(f"{reason['text'][:40]:<40} {reason['count']:>7}")
        more = _more(len(report["reasons"]), report.get("reasons_total", 0), "reasons")
        lines += [more] if more else []
    return "\n".join(lines)


def _share(value: float | None) -> str:
    """A share as a percentage, or "-" where there was nothing to share."""
    return _percent(value) if value is not None else "-"


def _week_lines(weeks: list[dict[str, Any]]) -> list[str]:
    """The compact "Per week" block: is teaching helping?"""
    lines = [
        "",
        "Per week (from Monday, UTC); examples and gaps: written to knowledge files that week",
        f"{'week of':<10}  {'asked':>7} {'answered':>8} {'votes':>6} {'helpful':>7}"
        f" {'examples':>9} {'gaps':>4}",
    ]
    for w in weeks:
        lines.append(
            f"{w['week']}  {w['questions']:>7} {_share(w['answered_share']):>8} {w['votes']:>6}"
            f" {_share(w['helpful_rate']):>7} {w['examples_added']:>9} {w['gaps_marked']:>4}"
        )
    return lines


def _chart(per_day: list[dict[str, Any]]) -> str:
    """Stacked bars, one a day, coloured by decision: an inline SVG."""
    width, height, left, bottom = 640, 220, 40, 30
    days = per_day[-31:]
    peak = max([d["questions"] for d in days] + [1])
    slot = (width - left - 10) / max(len(days), 1)
    bar = max(slot * 0.7, 2)
    scale = (height - bottom - 20) / peak
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="Questions per day">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 5}" y2="{height - bottom}" stroke="#999"/>',
        f'<text x="{left - 6}" y="24" text-anchor="end" font-size="11">{peak}</text>',
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" font-size="11">0</text>',
    ]
    for index, day in enumerate(days):
        x = left + index * slot + (slot - bar) / 2
        y = height - bottom
        for status in STATUSES:
            count = day[status]
            if not count:
                continue
            h = count * scale
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{STATUS_COLOURS[status]}"><title>{day["day"]}: {count} '
                f"{STATUS_LABELS[status]}</title></rect>"
            )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
            f'font-size="10">{day["day"][5:]}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


#: The two lines of the learning chart: key, words, colour, dash pattern, marker shape. They
#: differ in dash and marker too, so the chart reads the same without colour.
LEARNING_LINES = (
    ("answered_share", "share answered", "#1565c0", "", "circle"),
    ("helpful_rate", "helpful rate (share of votes that were helpful)", "#6a1b9a", "6 4", "square"),
)


def _marker(shape: str, x: float, y: float, colour: str, kind: str, title: str) -> str:
    if shape == "circle":
        return (
            f'<circle class="point {kind}" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">'
            f"<title>{title}</title></circle>"
        )
    return (
        f'<rect class="point {kind}" x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" '
        f'fill="#fff" stroke="{colour}" stroke-width="2"><title>{title}</title></rect>'
    )


def _taught_words(week: dict[str, Any]) -> str:
    parts = []
    for key, one, many in (
        ("examples_added", "example", "examples"),
        ("gaps_marked", "gap", "gaps"),
    ):
        if week[key]:
            parts.append(f"{week[key]} {one if week[key] == 1 else many}")
    return ", ".join(parts)


def _learning_chart(per_week: list[dict[str, Any]]) -> str:
    """Share answered and helpful rate per week (0–100%), one point per week with data and
    gaps where a week has none; a triangle and a dotted line mark the weeks examples or gaps
    were written to a knowledge file. An inline SVG."""
    width, height, left, right, top, bottom = 640, 250, 44, 10, 26, 46
    weeks = per_week[-CHART_WEEKS:]
    slot = (width - left - right) / max(len(weeks), 1)
    plot = height - top - bottom

    def y_of(share: float) -> float:
        return top + (1 - share) * plot

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="Share answered and helpful '
        f'rate per week, with the weeks examples or gaps were added">'
        "<title>Share answered and helpful rate per week</title>"
    ]
    for share in (0, 0.25, 0.5, 0.75, 1):
        y = y_of(share)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{"#999" if share == 0 else "#e3e3e3"}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
            f"{_percent(share)}</text>"
        )
    for index, week in enumerate(weeks):
        x = left + (index + 0.5) * slot
        parts.append(
            f'<text x="{x:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
            f'font-size="10">{week["week"][5:]}</text>'
        )
        taught = _taught_words(week)
        if taught:
            # In words where the week has room, else short: "+2e 1g" (the footer says how).
            short = f"+{week['examples_added']}e {week['gaps_marked']}g"
            under = f"+{taught}" if slot >= 90 else short
            parts.append(
                f'<g class="taught"><title>week of {week["week"]}: {taught} added</title>'
                f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - bottom}" '
                f'stroke="#777" stroke-dasharray="1 3"/>'
                f'<path d="M{x - 5:.1f},{top - 12} L{x + 5:.1f},{top - 12} L{x:.1f},{top - 3} Z" '
                f'fill="#444"/>'
                f'<text x="{x:.1f}" y="{height - bottom + 27}" text-anchor="middle" '
                f'font-size="9">{under}</text></g>'
            )
    for key, words, colour, dash, shape in LEARNING_LINES:
        path: list[str] = []
        points: list[str] = []
        previous = False
        for index, week in enumerate(weeks):
            share = week[key]
            if share is None:
                previous = False  # a week without data is a gap in the line, not a zero
                continue
            x, y = left + (index + 0.5) * slot, y_of(share)
            path.append(f"{'L' if previous else 'M'}{x:.1f},{y:.1f}")
            previous = True
            whole = week["questions"] if key == "answered_share" else week["votes"]
            part = week["answered"] if key == "answered_share" else week["helpful"]
            title = f"week of {week['week']}: {_percent(share)} {words.split(' (')[0]} ({part} of {whole})"
            points.append(_marker(shape, x, y, colour, key.replace("_", "-"), title))
        if path:
            dashes = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<path class="line" d="{" ".join(path)}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dashes}/>'
            )
        parts.extend(points)
    under = "examples (e) and gaps (g)" if slot < 90 else "examples and gaps"
    parts.append(
        f'<text x="{left}" y="{height - 4}" font-size="10">Week starting Monday (UTC); '
        f"under a week: the {under} written to knowledge files that week.</text></svg>"
    )
    return "".join(parts)


def _learning_legend() -> str:
    """The chart's key in words (and shapes), so it reads the same without colour."""
    return (
        '<p class="legend">'
        '<svg width="28" height="10" aria-hidden="true"><line x1="0" y1="5" x2="28" y2="5" '
        'stroke="#1565c0" stroke-width="2"/><circle cx="14" cy="5" r="4" fill="#1565c0"/></svg> '
        "Solid line, round dots: share of questions answered. "
        '<svg width="28" height="10" aria-hidden="true"><line x1="0" y1="5" x2="28" y2="5" '
        'stroke="#6a1b9a" stroke-width="2" stroke-dasharray="6 4"/><rect x="10" y="1" width="8" '
        'height="8" fill="#fff" stroke="#6a1b9a" stroke-width="2"/></svg> '
        "Dashed line, hollow squares: helpful rate (helpful votes out of all votes). "
        '<svg width="12" height="10" aria-hidden="true"><path d="M1,1 L11,1 L6,9 Z" fill="#444"/>'
        "</svg> Triangle and dotted line: examples or gaps were written to a knowledge file "
        "that week. No point: no questions (or no votes) that week.</p>"
    )


def _weeks_html(per_week: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>{w['week']}</td><td>{w['questions']}</td><td>{_share(w['answered_share'])}</td>"
        f"<td>{w['votes']}</td><td>{_share(w['helpful_rate'])}</td>"
        f"<td>{w['examples_added']}</td><td>{w['gaps_marked']}</td></tr>"
        for w in per_week
    )
    return (
        "<table><tr><th>Week of (Monday)</th><th>Questions</th><th>Answered</th><th>Votes</th>"
        f"<th>Helpful rate</th><th>Examples added</th><th>Gaps marked</th></tr>{rows}</table>"
    )


def _texts_html(texts: list[str]) -> str:
    """The cleaned questions kept under a topic (TPM_BOT_LOG_QUESTIONS=text), as a list."""
    if not texts:
        return ""
    items = "".join(f"<li>{html.escape(text)}</li>" for text in texts)
    return f'<ul class="texts">{items}</ul>'


def _more_html(shown: list[Any], total: int, what: str) -> str:
    hidden = total - len(shown)
    return f'<p class="more">… and {hidden} more {what}.</p>' if hidden > 0 else ""


def _learning_html(per_week: list[dict[str, Any]]) -> str:
    """Is teaching helping? The chart, its key in words, and the figures as a table."""
    if not per_week:
        return ""
    shown = "" if len(per_week) <= CHART_WEEKS else f" (the last {CHART_WEEKS} weeks)"
    return (
        f"<h2>Is teaching helping? Per week{shown}</h2>\n{_learning_legend()}\n"
        f"{_learning_chart(per_week)}\n{_weeks_html(per_week)}"
    )


def render_html(report: dict[str, Any]) -> str:
    """One self-contained page: the chart of the period, then the tables."""
    e = html.escape
    legend = " ".join(
        f'<span class="key" style="background:{STATUS_COLOURS[s]}"></span>{STATUS_LABELS[s]} '
        f"{report['by_status'][s]} ({_percent(report['share'][s])})"
        for s in STATUSES
    )
    sections = (
        "".join(
            f"<tr><td>{e(s['id'])}</td><td>{s['asked']}</td><td>{s['helpful']}</td>"
            f"<td>{s['not_helpful']}</td><td>{_percent(s['helpful_rate']) if s['helpful_rate'] is not None else '–'}</td></tr>"
            for s in report["sections"]
        )
        or '<tr><td colspan="5">No answers yet.</td></tr>'
    )
    gaps = (
        "".join(
            f"<tr><td>{e(g['terms'])}{_texts_html(g.get('texts', []))}</td>"
            f"<td>{g['count']}</td></tr>"
            for g in report["gaps"]
        )
        or '<tr><td colspan="2">Nothing unanswered. </td></tr>'
    )
    reasons = (
        "".join(f"<tr><td>{e(r['text'])}</td><td>{r['count']}</td></tr>" for r in report["reasons"])
        or '<tr><td colspan="2">No reasons given.</td></tr>'
    )
    # Words, not 👍 / 👎: without an emoji font they render as empty boxes.
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>tpm-bot report {e(report["since"][:10])} to {e(report["until"][:10])}</title>
<style>
body {{ font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 720px; color: #222; }}
h1 {{ font-size: 1.4rem; }} h2 {{ font-size: 1.1rem; margin-top: 2rem; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ padding: .25rem .5rem; border-bottom: 1px solid #ddd; text-align: left; }}
td + td, th + th {{ text-align: right; }}
.key {{ display: inline-block; width: .8em; height: .8em; margin: 0 .3em 0 .8em; }}
.big {{ font-size: 2rem; font-weight: 600; }}
.texts {{ margin: .2rem 0 0 1rem; color: #555; }} .more {{ color: #555; }}
</style></head><body>
<h1>tpm-bot: what people asked</h1>
<p>{e(report["since"][:10])} to {e(report["until"][:10])} (UTC).
<span class="big">{report["questions"]}</span> questions;
{report["votes"]["helpful"]} voted helpful, {report["votes"]["not_helpful"]} not helpful.</p>
<p>{legend}</p>
{_chart(report["per_day"])}
{_learning_html(report.get("per_week", []))}
<h2>Most asked sections</h2>
<table><tr><th>Section</th><th>Asked</th><th>Helpful votes</th><th>Not helpful votes</th><th>Helpful rate</th></tr>{sections}</table>
{_more_html(report["sections"], report.get("sections_total", 0), "sections")}
<h2>What the guide does not answer (grouped terms)</h2>
<table><tr><th>Terms</th><th>Count</th></tr>{gaps}</table>
{_more_html(report["gaps"], report.get("gaps_total", 0), "unanswered topics")}
<h2>What “not helpful” voters were looking for</h2>
<table><tr><th>Said</th><th>Count</th></tr>{reasons}</table>
{_more_html(report["reasons"], report.get("reasons_total", 0), "reasons")}
</body></html>
"""
