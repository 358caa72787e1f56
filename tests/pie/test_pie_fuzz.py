"""Whatever is typed after /claim-pie, the answer is a private reply and never a crash."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.services import pie_reads
from tests.conftest import Running
from tests.pie.helpers import pie, team

WORDS = st.sampled_from(
    [
        "",
        "20k",
        "release",
        "progress",
        "new",
        "target",
        "close",
        "help",
        "-5",
        "nan",
        "1e309",
        "$",
        "€15k",
        "<@U0REP2>",
        "0",
        "20,000",
        "1.5m",
        "999999999999999999999999",
        ";",
        "DROP TABLE",
        "`",
        "\u202e",
    ]
)
TEXT = st.one_of(
    st.lists(WORDS, max_size=4).map(" ".join),
    st.text(max_size=60),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT, as_manager=st.booleans())
def test_any_text_gets_a_private_answer_and_never_an_error(
    running: Running, text: str, as_manager: bool
) -> None:
    if not running.extra.get("seeded"):
        running.clock.set(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))
        team(running)
        pie(running, "new 100k", user="U0MIA")
        running.extra["seeded"] = True
    reply = pie(running, text, user="U0MIA" if as_manager else "U0REP1")
    assert reply.status == 200
    opens_modal = as_manager and [w.lower() for w in text.split()] == ["new"]
    if not opens_modal:
        assert reply.body.get("response_type") == "ephemeral", f"no private answer to {text!r}"
        assert "went wrong" not in reply.text
    with running.deps.session_factory() as session:
        open_ = pie_reads.open_pie(session=session, team_id=1)
        if open_ is not None:
            view = pie_reads.pie_view(session=session, pie=open_)
            assert view.claimed <= view.target
