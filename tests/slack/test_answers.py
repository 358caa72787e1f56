"""The answer queue: answers in the ack when ready, else at response_url; one team at a time in turn;
turns new work away, changing nothing, when too much is waiting."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from bot.config import HTTP_THREADS
from bot.slack.answers import BUSY_TEXT, KEPT_FOR_OTHERS, AnswerQueue, Reply
from tests.waiting import eventually


class FakeAck:
    """Records what the command was acked with."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, text: str = "", **kwargs: Any) -> None:
        self.calls.append({"text": text, **kwargs} if text else kwargs)


def _reply(text: str) -> Callable[[], Reply]:
    return lambda: {"response_type": "ephemeral", "text": text, "replace_original": False}


def _blocked(gate: threading.Event, text: str, ran: list[str]) -> Callable[[], Reply]:
    def compute() -> Reply:
        gate.wait(10)
        ran.append(text)
        return {"response_type": "ephemeral", "text": text}

    return compute


def _answer_in_background(queue: AnswerQueue, ack: FakeAck, key: str, compute: Callable[[], Reply]) -> None:
    queue.answer(ack=ack, key=key, compute=compute, response_url=f"http://slack.invalid/{key}")  # type: ignore[arg-type]


def test_an_answer_ready_in_time_goes_back_in_the_ack_and_nothing_is_posted() -> None:
    posted: list[tuple[str, Reply]] = []
    queue = AnswerQueue(workers=1, inline_budget=30, post=lambda url, reply: posted.append((url, reply)))
    ack = FakeAck()
    _answer_in_background(queue, ack, "team-a", _reply("You claimed $3,000"))
    assert ack.calls == [{"response_type": "ephemeral", "text": "You claimed $3,000"}]
    assert posted == []
    assert (queue.stats.in_ack, queue.stats.via_response_url) == (1, 0)


def test_an_answer_not_ready_in_time_is_acked_empty_then_posted_to_response_url_once() -> None:
    posted: list[tuple[str, Reply]] = []
    queue = AnswerQueue(workers=1, inline_budget=0, post=lambda url, reply: posted.append((url, reply)))
    gate, ran = threading.Event(), list[str]()
    ack = FakeAck()
    _answer_in_background(queue, ack, "team-a", _blocked(gate, "the card", ran))
    assert ack.calls == [{}]  # acked at once, without the answer
    gate.set()
    assert eventually(lambda: posted)
    assert posted == [("http://slack.invalid/team-a", {"response_type": "ephemeral", "text": "the card"})]
    assert ran == ["the card"]


def test_a_burst_in_one_team_waits_in_its_own_line_and_another_team_goes_next() -> None:
    queue = AnswerQueue(workers=1, inline_budget=0, post=lambda url, reply: None)
    gate, ran = threading.Event(), list[str]()
    _answer_in_background(queue, FakeAck(), "team-a", _blocked(gate, "a1", ran))
    assert eventually(lambda: queue._busy == 1)  # the worker is on a1
    for name in ("a2", "a3", "a4"):
        _answer_in_background(queue, FakeAck(), "team-a", _blocked(gate, name, ran))
    _answer_in_background(queue, FakeAck(), "team-b", _blocked(gate, "b1", ran))
    gate.set()
    assert eventually(lambda: len(ran) == 5)
    assert ran == ["a1", "a2", "b1", "a3", "a4"]  # b1 waited for one of team A's commands, not all


def test_beyond_the_queue_limit_a_command_is_told_to_try_again_and_its_work_never_runs() -> None:
    queue = AnswerQueue(workers=1, max_queued=1, inline_budget=0, post=lambda url, reply: None)
    gate, ran = threading.Event(), list[str]()
    _answer_in_background(queue, FakeAck(), "team-a", _blocked(gate, "running", ran))
    assert eventually(lambda: queue._busy == 1)  # the worker took it: the queue is empty again
    _answer_in_background(queue, FakeAck(), "team-a", _blocked(gate, "waiting", ran))
    turned_away = FakeAck()
    _answer_in_background(queue, turned_away, "team-b", _blocked(gate, "shed", ran))
    assert turned_away.calls[0]["text"] == BUSY_TEXT and turned_away.calls[0]["response_type"] == "ephemeral"
    gate.set()
    assert eventually(lambda: len(ran) == 2)
    assert ran == ["running", "waiting"] and queue.stats.shed == 1


def test_one_team_never_takes_every_worker_so_another_team_starts_at_once() -> None:
    """Team A's claims stuck on its pie's lock hold two workers; team B's card takes the third at once."""
    queue = AnswerQueue(workers=3, per_key=2, inline_budget=0, post=lambda url, reply: None)
    stuck, ran = threading.Event(), list[str]()
    for name in ("a1", "a2", "a3", "a4"):
        _answer_in_background(queue, FakeAck(), "team-a", _blocked(stuck, name, ran))
    assert eventually(lambda: queue._busy == 2)
    _answer_in_background(queue, FakeAck(), "team-b", _reply("b1"))
    assert eventually(lambda: queue.stats.via_response_url == 5 and queue._busy == 2 and queue._queued == 2)
    assert ran == []  # team B was answered while every one of team A's commands still waited
    stuck.set()
    assert eventually(lambda: len(ran) == 4)
    assert sorted(ran) == ["a1", "a2", "a3", "a4"]


def test_the_server_threads_set_how_many_requests_may_wait_two_kept_free_to_ack() -> None:
    from bot.slack import answers

    try:
        answers.fit_to_server(4)
        assert AnswerQueue(workers=1, post=lambda url, reply: None).max_waiting == 2
        answers.fit_to_server(2)
        assert AnswerQueue(workers=1, post=lambda url, reply: None).max_waiting == 0
        answers.fit_to_server(64)
        assert AnswerQueue(workers=1, post=lambda url, reply: None).max_waiting == 62
    finally:
        answers.fit_to_server(HTTP_THREADS)
    assert AnswerQueue(workers=1, post=lambda url, reply: None).max_waiting == answers.MAX_WAITING


def test_a_team_in_a_burst_leaves_waiting_room_so_another_team_is_still_answered_in_its_ack() -> None:
    """Team A's commands fill the waiting threads it may take (all but KEPT_FOR_OTHERS); its next one
    is acked at once, while team B's still waits for its answer and gets it in the ack."""
    queue = AnswerQueue(
        workers=2, per_key=1, max_waiting=KEPT_FOR_OTHERS + 2, inline_budget=30, post=lambda url, reply: None
    )
    stuck, ran = threading.Event(), list[str]()
    waiting = [
        threading.Thread(
            target=_answer_in_background, args=(queue, FakeAck(), "team-a", _blocked(stuck, f"a{i}", ran))
        )
        for i in range(2)
    ]
    for thread in waiting:
        thread.start()
    assert eventually(lambda: queue._waiting == 2)
    over = FakeAck()
    _answer_in_background(queue, over, "team-a", _blocked(stuck, "a-over", ran))
    assert over.calls == [{}]  # acked empty at once: its answer will follow at response_url
    team_b = FakeAck()
    _answer_in_background(queue, team_b, "team-b", _reply("B's card"))
    assert team_b.calls == [{"response_type": "ephemeral", "text": "B's card"}]
    stuck.set()
    for thread in waiting:
        thread.join(10)
    assert eventually(lambda: len(ran) == 3)


def _team_a_busy_with_a_line(queue: AnswerQueue, waiting: int) -> tuple[threading.Event, list[str]]:
    """Team A's a0 on the (one) worker, held until the gate opens, and `waiting` more of its commands
    sent after it (a1, a2 …); the gate and the list of what ran, in order."""
    gate, ran = threading.Event(), list[str]()
    _answer_in_background(queue, FakeAck(), "team-a", _blocked(gate, "a0", ran))
    assert eventually(lambda: queue._busy == 1)
    for i in range(1, waiting + 1):
        _answer_in_background(queue, FakeAck(), "team-a", _blocked(gate, f"a{i}", ran))
    return gate, ran


def test_a_team_whose_line_is_long_is_turned_away_while_another_team_is_still_taken() -> None:
    """The wait a command expects counts its own team's line and one turn of each other line, so a burst
    is turned away in its own team only."""
    queue = AnswerQueue(workers=1, inline_budget=0, post=lambda url, reply: None)
    queue.shed_after = 0.5
    queue._interval = 0.1
    gate, ran = _team_a_busy_with_a_line(queue, 6)
    turned_away = FakeAck()
    _answer_in_background(queue, turned_away, "team-a", _blocked(gate, "a-shed", ran))
    assert turned_away.calls[0]["text"] == BUSY_TEXT
    team_b = FakeAck()
    _answer_in_background(queue, team_b, "team-b", _blocked(gate, "b1", ran))
    assert team_b.calls == [{}]  # taken: acked, its answer follows
    gate.set()
    assert eventually(lambda: len(ran) == 8)
    assert "a-shed" not in ran and ran.index("b1") == 2  # after a0 and one more of team A's
    assert queue.stats.shed == 1


def test_no_team_fills_the_whole_queue() -> None:
    queue = AnswerQueue(workers=1, max_queued=10, inline_budget=0, post=lambda url, reply: None)
    queue.max_queued_per_key = 3
    gate, ran = _team_a_busy_with_a_line(queue, 4)
    team_b = FakeAck()
    _answer_in_background(queue, team_b, "team-b", _blocked(gate, "b1", ran))
    gate.set()
    assert eventually(lambda: len(ran) == 5)
    assert ran == ["a0", "a1", "b1", "a2", "a3"] and queue.stats.shed == 1  # a4 was turned away
