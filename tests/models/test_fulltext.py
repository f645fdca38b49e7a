"""The spec's course search (search_vector @@ to_tsquery, by ts_rank) finds what it should."""

from factories import make_course
from sqlalchemy import text

from lms.db import db

# The spec's query, with the search terms bound instead of written in.
SEARCH = text("""
    SELECT slug FROM courses
    WHERE published = true
      AND search_vector @@ to_tsquery('english', :terms)
    ORDER BY ts_rank(search_vector, to_tsquery('english', :terms)) DESC
""")


def search(terms: str) -> list[str]:
    db.session.flush()
    return list(db.session.scalars(SEARCH, {"terms": terms}))


def test_title_matches_rank_above_description_matches(app_ctx):
    # Made in the "wrong" order so that insertion order cannot explain the result.
    make_course(
        slug="in-description",
        title="Data for managers",
        published=True,
        description="Touches on machine learning in passing.",
    )
    make_course(
        slug="in-title",
        title="Machine Learning from Scratch",
        published=True,
        description="Gradient descent, by hand.",
    )
    make_course(
        slug="unrelated", title="Watercolour", published=True, description="Brushes and paper."
    )

    assert search("machine & learning") == ["in-title", "in-description"]


def test_stemming_matches_other_word_forms(app_ctx):
    make_course(slug="learning", title="Learning to learn", published=True)
    assert search("learned") == ["learning"]


def test_unpublished_courses_are_not_found(app_ctx):
    make_course(slug="draft", title="Machine learning (draft)", published=False)
    make_course(slug="live", title="Machine learning", published=True)
    assert search("machine & learning") == ["live"]


def test_search_vector_follows_title_changes(app_ctx):
    course = make_course(slug="renamed", title="Cooking basics", published=True)
    assert search("cooking") == ["renamed"]

    course.title = "Gardening basics"
    assert search("cooking") == []
    assert search("gardening") == ["renamed"]


def test_search_can_use_the_gin_index(app_ctx):
    make_course(title="Machine learning", published=True)
    db.session.flush()
    # With sequential scans priced out, the planner must be able to answer from the index.
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        db.session.scalars(
            text(
                "EXPLAIN SELECT id FROM courses "
                "WHERE search_vector @@ to_tsquery('english', 'machine & learning')"
            )
        )
    )
    assert "courses_search_vector_idx" in plan
