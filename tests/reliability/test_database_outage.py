"""The database goes away for a while: people are asked to try again in a minute, /healthz says so, and
Stretch recovers by itself when the database returns, without a restart."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from bot.db import make_engine, make_session_factory
from bot.models import Team
from bot.slack.app import create_app, make_client
from bot.slack.deps import Deps
from bot.web import build_wsgi
from tests.conftest import SIGNING_SECRET, Clock, postgres_url
from tests.fakeslack import FakeSlack
from tests.slackclient import SignedSlack
from tests.tcpproxy import TcpProxy
from tests.waiting import eventually
from tests.wsgiserver import TestServer

pytestmark = pytest.mark.skipif(not postgres_url(), reason="needs PostgreSQL (TEST_DATABASE_URL)")


@dataclass
class Flaky:
    """Stretch whose only way to its database runs through a proxy the test can cut."""

    proxy: TcpProxy
    slack: SignedSlack
    base_url: str
    engine: Engine


@pytest.fixture
def flaky(db: Engine, settings, fake_slack: FakeSlack) -> Iterator[Flaky]:
    url = make_url(postgres_url() or "")
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    engine = make_engine(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    deps = Deps(session_factory=make_session_factory(engine), settings=settings, clock=Clock())
    app = create_app(settings, deps, client=make_client(settings))
    server = TestServer(build_wsgi(app, engine))
    base = server.base_url
    yield Flaky(proxy, SignedSlack(f"{base}/slack/events", SIGNING_SECRET), base, engine)
    server.stop()
    proxy.close()
    engine.dispose()


def _health(base_url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_an_outage_is_answered_kindly_and_recovered_from_without_a_restart(
    flaky: Flaky, fake_slack: FakeSlack, db: Engine
) -> None:
    """Down: a friendly 'try again in a minute' and 503 health. Back: setup works again."""
    fake_slack.add_user("U0ADMIN", "Ada", is_admin=True)
    assert flaky.slack.stretch("setup", user="U0ADMIN", channel="C0ONE").status == 200
    assert len(fake_slack.calls_to("views.open")) == 1
    assert _health(flaky.base_url)[0] == 200

    flaky.proxy.down()
    status, body = _health(flaky.base_url)
    assert (status, body["database"]) == (503, "down")
    reply = flaky.slack.stretch("setup", user="U0ADMIN", channel="C0TWO")
    assert reply.status == 200
    assert "try again in a minute" in reply.text
    assert len(fake_slack.calls_to("views.open")) == 1

    flaky.proxy.up()
    assert eventually(lambda: _health(flaky.base_url)[0] == 200, timeout=15)
    again = flaky.slack.stretch("setup", user="U0ADMIN", channel="C0THREE")
    assert again.status == 200 and "try again" not in again.text
    assert len(fake_slack.calls_to("views.open")) == 2
    with db.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Team)).scalar() == 0
