"""`/stretch export me` and `/stretch export team` over signed HTTP: the file arrives in the asker's DM
only, holds what it should (and not what it shouldn't), and the act is in the audit record."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from bot.db import session_scope
from bot.models import PrivacyAudit
from bot.models.leads import LeadClaim
from bot.services.privacy import set_managers_export_notes
from tests.conftest import Running
from tests.privacy.helpers import ANN, MIA, NOTE, OMAR, RAJ, rows_of, seed_history, wait_exports, zip_files
from tests.waiting import eventually


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _audit(running: Running) -> list[PrivacyAudit]:
    with running.deps.session_factory() as session:
        return list(session.scalars(select(PrivacyAudit).order_by(PrivacyAudit.id)))


def test_a_rep_exports_their_data_and_the_file_in_their_dm_holds_their_note(running: Running) -> None:
    """Raj types `/stretch export me` in the team channel; a zip lands in his DM with his note."""
    seed_history(running)
    reply = running.slack.stretch("export me", user=RAJ.user_id)
    assert reply.status == 200 and "our DM" in reply.text
    wait_exports()
    files = running.fake.files_in(RAJ.user_id)
    assert len(files) == 1
    _record, data = files[0]
    contents = zip_files(data)
    answers = _csv(contents["answers.csv"])
    assert NOTE in {row["answer"] for row in answers}
    assert "Ann's private note" not in data.decode("latin-1")  # zip deflates, so check the CSVs too
    assert all("Ann's private note" not in text for text in contents.values())
    # Everything of his: slices, pilots with his own notes, shout-outs both ways, moments.
    assert _csv(contents["pie_slices.csv"])[0]["claimed_minor"] == "4000000"
    assert _csv(contents["pilots.csv"])[0]["learning"] == "Short notes work"
    assert {r["direction"] for r in _csv(contents["shoutouts.csv"])} == {"given", "received"}
    assert _csv(contents["moments.csv"])[0]["kind"] == "big_slice"
    # Alerts are the managers' records: never in a rep's export.
    assert not any("missed 3 of the last 3" in text for text in contents.values())
    # Only his DM got a file; nothing went to a channel.
    assert set(running.fake.shared_files) == {"D0RAJ"}
    assert not [
        c for c in running.fake.calls_to("chat.postMessage") if str(c.params.get("channel")).startswith("C")
    ]
    audit = _audit(running)
    assert [(a.actor, a.action, a.subject) for a in audit] == [(RAJ.user_id, "export_me", RAJ.user_id)]
    assert NOTE not in audit[0].detail and "answers=" in audit[0].detail


def test_a_formula_in_a_note_is_neutralised_in_the_csv(running: Running) -> None:
    """A note starting with '=' comes out prefixed with a quote, so a spreadsheet shows it as text."""
    seed_history(running)
    running.slack.stretch("export me", user=RAJ.user_id)
    wait_exports()
    ((_, data),) = running.fake.files_in(RAJ.user_id)
    answers = {row["answer"] for row in _csv(zip_files(data)["answers.csv"])}
    assert '\'=HYPERLINK("http://evil.example","click")' in answers
    assert not any(a.startswith(("=", "+", "-", "@")) for a in answers)


def test_a_manager_exports_the_team_without_notes_unless_the_team_allows_them(running: Running) -> None:
    """Mia's export has every rep's check-ins and answers, but no notes until the team's setting allows."""
    history = seed_history(running)
    running.slack.stretch("export team", user=MIA.user_id, channel="C0TEAM")
    wait_exports()
    ((record, data),) = running.fake.files_in(MIA.user_id)
    contents = zip_files(data)
    assert {"members.csv", "checkins.csv", "answers.csv", "pies.csv", "pie_slices.csv", "pilots.csv"} <= set(
        contents
    )
    assert {"pilot_participants.csv", "shoutouts.csv"} <= set(contents)
    assert len(_csv(contents["checkins.csv"])) == 3
    assert NOTE not in contents["answers.csv"] and "Ann's private note" not in contents["answers.csv"]
    assert "Prospects reply more" not in contents["pilot_participants.csv"]
    assert "notes are left out" in str(record["comment"])

    with session_scope(running.deps.session_factory) as session:
        set_managers_export_notes(session=session, team_id=history.team, allowed=True, now=running.clock())
    running.slack.stretch("export team", user=MIA.user_id, channel="C0TEAM")
    wait_exports()
    (_, data) = running.fake.files_in(MIA.user_id)[-1]
    assert NOTE in zip_files(data)["answers.csv"]
    assert [a.action for a in _audit(running)] == ["export_team", "export_team"]
    assert _audit(running)[1].detail.startswith("notes=yes")


def test_a_stranger_a_rep_and_another_teams_manager_are_refused_a_team_export(running: Running) -> None:
    """Nobody but the team's managers (or an admin) gets its file; refusals change nothing."""
    seed_history(running)
    running.fake.add_user("U0NOBODY", "Nobody")
    for user in ("U0NOBODY", RAJ.user_id, OMAR.user_id):
        reply = running.slack.stretch("export team", user=user, channel="C0TEAM")
        assert reply.status == 200
        assert "Only a manager of *Closers*" in reply.text or "Only a team's managers" in reply.text, (
            reply.text
        )
    named = running.slack.stretch(
        "export team Closers", user=OMAR.user_id, channel="D0OMAR", channel_name="directmessage"
    )
    assert "Only a manager of *Closers*" in named.text
    wait_exports()
    assert running.fake.shared_files == {}
    assert _audit(running) == []


def test_a_workspace_admin_exports_any_team_by_name(running: Running) -> None:
    """An admin on no team names the team in a DM and gets its file."""
    seed_history(running)
    running.fake.add_user("U0ADM", "Ada", is_admin=True)
    reply = running.slack.stretch(
        "export team hunters", user="U0ADM", channel="D0ADM", channel_name="directmessage"
    )
    assert "Hunters" in reply.text
    wait_exports()
    ((_, data),) = running.fake.files_in("U0ADM")
    assert "Olu" in zip_files(data)["members.csv"]


def test_someone_stretch_never_met_is_told_it_holds_nothing(running: Running) -> None:
    """No file, no row: a clear answer."""
    seed_history(running)
    running.fake.add_user("U0NEW", "New")
    reply = running.slack.stretch("export me", user="U0NEW", channel="D0NEW", channel_name="directmessage")
    assert "holds nothing about you" in reply.text
    assert "export" in running.slack.stretch("export", user=ANN.user_id).text


def test_a_reps_export_holds_the_accounts_they_claimed(running: Running) -> None:
    """Raj's lead claims (the account, its domain, his note) are his data: they are in his export."""
    seed_history(running)
    reply = running.slack.command(
        "/claim-leads", "add Acme Corp (acme.com)", user=RAJ.user_id, channel="C0TEAM"
    )
    assert reply.status == 200
    # The claim is written after the ack: export once it is there.
    eventually(lambda: rows_of(running.deps.session_factory, LeadClaim), what="Raj's claim")
    running.slack.stretch("export me", user=RAJ.user_id)
    wait_exports()
    [(_record, data)] = running.fake.files_in(RAJ.user_id)
    [claim] = _csv(zip_files(data)["lead_claims.csv"])
    assert (claim["account"], claim["domain"], claim["status"]) == ("Acme Corp", "acme.com", "active")
