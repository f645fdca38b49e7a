"""The load script runs its whole request mix through gunicorn on a small database, error-free.

No timing is asserted here: the figures belong to docs/BENCHMARKS.md, measured by the script.
"""

import pytest

from bench import load

pytestmark = pytest.mark.slow


def test_a_few_seconds_of_the_mixed_load_sign_everyone_in_and_ask_for_every_kind(demo_app):
    result = load.run(
        demo_app,
        {"DATABASE_URL": demo_app.config["DATABASE_URL"]},
        users=5,
        seconds=3,
        workers=2,
        threads=2,
        refresh=False,
    )
    asked = {outcome.kind for outcome in result.outcomes}
    assert asked == set(load.MIX) | {"sign-in"}
    assert sum(o.kind == "sign-in" for o in result.outcomes) == 5
    assert result.errors == [], result.error_lines()
    table = result.table()
    for kind in load.MIX:
        assert f"| {kind} |" in table


def test_one_user_in_five_is_an_instructor_with_pages_of_their_own(demo_app):
    people = load.cast(demo_app, 10, load.DEMO_PASSWORD)
    instructors = [p for p in people if p.email in load.INSTRUCTORS]
    assert len(instructors) == 2 and len({p.email for p in people}) == 10
    for person in people:
        assert len(person.pages["CSV download"]) == load.CSV_DOWNLOADS
        assert all(person.pages.get(kind) for kind in load.MIX), person.email
