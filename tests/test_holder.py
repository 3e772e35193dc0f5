"""Reloading the knowledge base in a running bot: swap in valid edits, keep the last good one."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from helpers import TEAM_FILE

from bot.core.holder import KnowledgeHolder


def holder_for(path: Path) -> KnowledgeHolder:
    return KnowledgeHolder.load([str(path)])


def touch_later(path: Path, text: str) -> None:
    """Write and move the modification time forward, as an editor saving a second later would."""
    stat = path.stat() if path.exists() else None
    path.write_text(text, encoding="utf-8")
    if stat:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_nothing_changed_means_no_reload(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM_FILE, encoding="utf-8")
    holder = holder_for(path)
    assert holder.reload_if_changed() is None


def test_a_valid_edit_is_served_by_the_next_question(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM_FILE, encoding="utf-8")
    holder = holder_for(path)
    touch_later(path, TEAM_FILE.replace("Our on-call rota", "Our pager rota"))
    assert holder.reload_if_changed() is True
    assert holder.matcher.kb["team-oncall"].title == "Our pager rota"


def test_a_broken_edit_keeps_the_last_good_and_is_reported_once(tmp_path: Path, caplog) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM_FILE, encoding="utf-8")
    holder = holder_for(path)
    before = holder.matcher
    touch_later(path, "sections:\n  - id: [broken\n")
    with caplog.at_level(logging.ERROR, logger="tpm_bot"):
        assert holder.reload_if_changed() is False
        assert holder.reload_if_changed() is None  # not retried until the file changes again
    assert holder.matcher is before
    assert any(f"{path}:" in record.getMessage() for record in caplog.records)


def test_a_new_file_in_a_watched_folder_counts_as_a_change(tmp_path: Path) -> None:
    (tmp_path / "team.yaml").write_text(TEAM_FILE, encoding="utf-8")
    holder = holder_for(tmp_path)
    (tmp_path / "more.yaml").write_text(
        "sections:\n"
        "  - id: team-rituals\n"
        "    title: Our weekly rituals\n"
        "    summary: Demo day is on Fridays.\n"
        "    body: Bring a demo.\n"
        "    aliases: [demo day]\n"
        '    questions: ["when is demo day?"]\n'
        "    related: []\n"
        "    source: Team handbook, rituals\n",
        encoding="utf-8",
    )
    assert holder.reload_if_changed() is True
    assert "team-rituals" in holder.matcher.kb


def test_the_start_up_cache_deletes_copies_unused_for_a_week_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    import os
    import time

    from bot.core.cache import load_matcher

    week_old = time.time() - 8 * 24 * 3600
    stale = tmp_path / "matcher-00000001.pickle"
    recent = tmp_path / "matcher-00000002.pickle"
    unrelated = tmp_path / "notes.txt"
    for path in (stale, recent, unrelated):
        path.write_bytes(b"x")
    os.utime(stale, (week_old, week_old))
    os.utime(unrelated, (week_old, week_old))

    load_matcher((), str(tmp_path))  # a miss: builds and writes its own copy
    names = sorted(p.name for p in tmp_path.iterdir())
    assert stale.name not in names
    assert recent.name in names and unrelated.name in names
    assert len([n for n in names if n.startswith("matcher-")]) == 2
