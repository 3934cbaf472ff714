"""The linkage test: with full read access to the database (every table, every column, every
history and audit row) and the application log, try to tell who cast which ballot. Each
attempt must fail. The raters' comments carry markers so that we, the test, know the truth."""

from __future__ import annotations

import logging
import uuid

import pytest
from django.apps import apps
from django.db import connection, models

from reviews.ratings.models import PeerBallot, PeerParticipation

from .helpers import open_round, vote

pytestmark = pytest.mark.django_db

RATERS = ("staff", "staff2", "chief", "leader")


@pytest.fixture
def voted(personas, caplog):
    a = personas.a
    round_ = open_round(a)
    caplog.set_level(logging.DEBUG)
    for rater in RATERS:
        vote(round_, a, rater, level="fair", comment=f"MARK-{rater}")
    return a, round_, caplog


def _all_cells():
    """(table, column, value-as-text) for every cell of every table."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - test reads everything
            cols = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for col, value in zip(cols, row, strict=True):
                    if value is not None:
                        yield table, col, str(value)


def test_the_ballot_row_holds_nothing_but_round_ratee_levels_and_comment():
    fields = {f.name: f for f in PeerBallot._meta.concrete_fields}
    assert set(fields) == {"id", "round", "ratee", "scores", "comment"}
    assert isinstance(fields["id"], models.UUIDField)  # random, not insertion-ordered
    assert not any(
        isinstance(f, models.DateField | models.DateTimeField | models.TimeField)
        for f in fields.values()
    )
    assert PeerBallot._meta.ordering == []


def test_participation_holds_no_time_and_no_ballot():
    fields = {f.name for f in PeerParticipation._meta.concrete_fields}
    assert fields == {"id", "round", "rater"}


def test_no_table_points_at_a_ballot_and_no_history_tracks_it():
    assert not PeerBallot._meta.related_objects  # nothing has a foreign key to a ballot
    history_models = {m.__name__ for m in apps.get_models()}
    assert "HistoricalPeerBallot" not in history_models
    assert "HistoricalPeerParticipation" not in history_models


def test_ballot_ids_are_random_uuid4(voted):
    _a, round_, _log = voted
    for pk in PeerBallot.objects.filter(round=round_).values_list("id", flat=True):
        assert uuid.UUID(str(pk)).version == 4


def test_no_cell_of_any_table_links_a_ballot_to_its_rater(voted):
    a, round_, _log = voted
    ballots = list(PeerBallot.objects.filter(round=round_))
    ballot_ids = {b.pk.hex for b in ballots} | {str(b.pk) for b in ballots}
    seen_ballot_ids, seen_markers = set(), set()
    for table, col, text in _all_cells():
        if table == PeerBallot._meta.db_table:
            continue
        for bid in ballot_ids:
            if bid in text:
                seen_ballot_ids.add((table, col))
        if "MARK-" in text:
            seen_markers.add((table, col))
    # no other table stores a ballot id or any part of a ballot's content
    assert not seen_ballot_ids, seen_ballot_ids
    assert not seen_markers, seen_markers


def test_ballots_by_a_rater_carry_no_value_of_that_rater(voted):
    a, round_, _log = voted
    for rater in RATERS:
        person, user = a.people[rater], a.users[rater]
        own = [b for b in PeerBallot.objects.filter(round=round_) if b.comment == f"MARK-{rater}"]
        assert own  # the test knows the truth through the markers …
        identifying = {str(person.pk), str(user.pk), user.username, person.name, person.staff_no}
        for ballot in own:
            # … but the rows themselves say nothing about the rater: no column holds any of
            # the rater's identifiers (ratee is the colleague rated, never the rater)
            assert ballot.ratee_id != person.pk
            values = {str(ballot.pk), str(ballot.round_id), str(ballot.scores), ballot.comment}
            assert not {v for v in values if v in identifying}


def test_participation_rows_cannot_be_ordered_against_ballots(voted):
    """Participation ids are random UUIDs with no time: sorting them gives no voting order to
    line up with ballots (whose ids are random too)."""
    _a, round_, _log = voted
    for pk in PeerParticipation.objects.filter(round=round_).values_list("id", flat=True):
        assert uuid.UUID(str(pk)).version == 4


def test_nothing_about_ballots_reaches_the_application_log(voted):
    _a, round_, caplog = voted
    ids = {str(b) for b in PeerBallot.objects.values_list("id", flat=True)}
    for record in caplog.records:
        message = record.getMessage()
        assert "MARK-" not in message
        assert not any(i in message for i in ids)
