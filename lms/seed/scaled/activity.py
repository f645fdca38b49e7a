"""Set-based SQL for generated activity: enrollments, progress, payments, quizzes, certificates.

Everything is derived from one plan table, seed_enrollment, so the tables agree by construction:
one course_progress and one transaction per enrollment, paymentStatus = the transaction's
status, CANCELLED <-> REFUNDED, completedLessons = the completed lesson_progress rows.
"""

from lms.seed.scaled.catalog import user_created
from lms.seed.scales import (
    COMPLETION_CHANCE,
    FAILED_BELOW,
    MEAN_ATTEMPTS_PER_PAIR,
    PENDING_BELOW,
    QUESTIONS_PER_QUIZ,
    REFUNDED_BELOW,
    Scale,
)
from lms.seed.sqlgen import (
    ANCHOR,
    ident,
    lesson_minutes,
    pick,
    question_options,
    quiz_passing_score,
    rnd,
)

FINISH_CHANCE = (
    "CASE difficulty "
    + " ".join(f"WHEN '{level}' THEN {chance}" for level, chance in COMPLETION_CHANCE.items())
    + " END"
)


def enrollment_quota_sql(s: Scale) -> str:
    """Per student: how many enrollments (weights 1..19, exact total) and where they start."""
    e = s.enrollments
    return f"""
    SELECT u, created, ({e}::int8 * (cw - w) / tw) AS e0,
           least({s.published_courses},
                 ({e}::int8 * cw / tw - {e}::int8 * (cw - w) / tw))::int AS k,
           floor({s.published_courses} * power({rnd("u", 32)}, 2))::int AS base
    FROM (SELECT u, created, w, sum(w) OVER (ORDER BY u) AS cw, sum(w) OVER () AS tw
          FROM (SELECT u, {user_created("u", s)} AS created, 1 + {pick("u", 31, 19)} AS w
                FROM generate_series({s.first_student}, {s.users}) u) st) shares
    """


def enrollment_plan_sql(s: Scale) -> str:
    """seed_enrollment: one row per enrollment with every value the activity tables need.

    Course i of a student is (base + i*stride) mod P: distinct for i < P, and the squared base
    makes low-numbered courses the popular ones. Students enrol mostly soon after signing up
    (or after the course opens), so monthly enrolments grow with sign-ups rather than piling
    up in the last weeks.
    """
    return f"""
    CREATE TEMP TABLE seed_enrollment AS
    WITH pair AS (
        SELECT q.e0 + i AS e, q.u, 1 + (q.base + (i - 1) * {s.course_stride})
               % {s.published_courses} AS c, q.created AS user_created
        FROM ({enrollment_quota_sql(s)}) q, generate_series(1, q.k) i
    ), paid AS (
        SELECT p.e, p.u, p.c, sc.lessons AS n, sc.modules AS m, sc.les_start, sc.mod_start,
               sc.price, sc.difficulty, r.pay_roll,
               CASE WHEN r.pay_roll < {FAILED_BELOW} THEN 'FAILED'
                    WHEN r.pay_roll < {PENDING_BELOW} THEN 'PENDING'
                    WHEN r.pay_roll < {REFUNDED_BELOW} THEN 'REFUNDED' ELSE 'COMPLETED' END AS pay,
               CASE WHEN r.pay_roll >= {FAILED_BELOW} AND r.pay_roll < {PENDING_BELOW}
                    THEN {ANCHOR} - least({ANCHOR} - r.lo, interval '3 days') * {rnd("p.e", 35)}
                    ELSE r.lo + ({ANCHOR} - r.lo) * power({rnd("p.e", 35)}, 4) END AS enrolled
        FROM pair p JOIN seed_course sc USING (c),
             LATERAL (SELECT greatest(p.user_created, sc.created) AS lo,
                             {rnd("p.e", 34)} AS pay_roll) r
    ), started AS (
        SELECT paid.*,
               CASE WHEN pay IN ('FAILED', 'PENDING') THEN 0
                    WHEN pay = 'COMPLETED' AND {rnd("e", 36)} < {FINISH_CHANCE} THEN n
                    ELSE least(floor(n * power({rnd("e", 37)}, {s.progress_exponent():.4f}))::int,
                               CASE WHEN pay = 'REFUNDED' THEN n / 4 ELSE n END) END AS st,
               CASE WHEN pay = 'COMPLETED' AND {rnd("e", 39)} < 0.3
                    THEN enrolled + interval '365 days' END AS expires
        FROM paid
    ), counted AS (
        SELECT started.*,
               CASE WHEN st < n AND st > 0 AND {rnd("e", 38)} < 0.5 THEN st - 1 ELSE st END AS cl,
               least({ANCHOR}, coalesce(expires, {ANCHOR})) AS active_until
        FROM started
    ), dated AS (
        SELECT counted.*,
               CASE WHEN st = 0 THEN enrolled
                    WHEN pay = 'REFUNDED' THEN enrolled + least(active_until - enrolled,
                         interval '14 days') * {rnd("e", 40)}
                    ELSE enrolled + (active_until - enrolled) * power({rnd("e", 40)}, 0.7)
               END AS last_accessed
        FROM counted
    )
    SELECT e, u, c, n, m, les_start, mod_start, difficulty, pay, enrolled, expires, st, cl,
           last_accessed,
           CASE WHEN pay = 'REFUNDED' THEN 'CANCELLED' WHEN cl = n THEN 'COMPLETED'
                WHEN expires < {ANCHOR} THEN 'EXPIRED' ELSE 'ACTIVE' END AS status,
           CASE WHEN cl = n THEN last_accessed END AS completed_at,
           CASE WHEN pay = 'REFUNDED' THEN least({ANCHOR},
                last_accessed + interval '1 day' * (1 + 6 * {rnd("e", 43)})) END AS refunded_at,
           {rnd("e", 41)} < 0.15 AS coupon,
           CASE WHEN {rnd("e", 41)} < 0.15 THEN round(price * 0.8, 2) ELSE price END AS amount,
           CASE WHEN {rnd("e", 42)} < 0.7 THEN 'stripe' ELSE 'paypal' END AS provider,
           sum(st) OVER (ORDER BY e) - st AS lp_start,
           (cl * m) / n AS modules_done
    FROM dated
    """


def enrollments_sql() -> str:
    # Ids in enrollment order, as Prisma's time-prefixed cuids are: the admin lists
    # enrollments newest first by id, since the schema has no index on "enrolledAt".
    return f"""
    INSERT INTO enrollments (id, "userId", "courseId", status, "enrolledAt", "completedAt",
                             "expiresAt", "paymentStatus", "paymentAmount", "paymentCurrency")
    SELECT {ident("enr", "row_number() OVER (ORDER BY enrolled, e)")},
           {ident("usr", "u")}, {ident("crs", "c")},
           status::"EnrollmentStatus", enrolled, completed_at, expires,
           pay::"PaymentStatus", amount, 'USD'
    FROM seed_enrollment
    """


def course_progress_sql() -> str:
    return f"""
    INSERT INTO course_progress (id, "userId", "courseId", "completedLessons", "totalLessons",
                                 "progressPercent", "lastAccessedAt", "startedAt", "completedAt")
    SELECT {ident("cpr", "e")}, {ident("usr", "u")}, {ident("crs", "c")}, cl, n,
           (100 * cl) / n, last_accessed, enrolled, completed_at
    FROM seed_enrollment
    """


def transactions_sql() -> str:
    return f"""
    INSERT INTO transactions (id, "userId", "courseId", amount, currency, status, provider,
                              "providerTxnId", metadata, "createdAt", "updatedAt")
    SELECT {ident("txn", "e")}, {ident("usr", "u")}, {ident("crs", "c")}, amount, 'USD',
           pay::"PaymentStatus", provider,
           CASE provider WHEN 'stripe' THEN 'pi_seed_' ELSE 'PAYID-SEED-' END
             || lpad(e::text, 10, '0'),
           jsonb_strip_nulls(jsonb_build_object(
               'coupon', CASE WHEN coupon THEN 'SAVE20' END,
               'refundReason', CASE WHEN pay = 'REFUNDED' THEN 'requested_by_customer' END,
               'failureCode', CASE WHEN pay = 'FAILED' THEN 'card_declined' END)),
           enrolled,
           CASE pay WHEN 'REFUNDED' THEN refunded_at WHEN 'PENDING' THEN enrolled
                    ELSE enrolled + interval '4 seconds' END
    FROM seed_enrollment
    """


def lesson_progress_sql() -> str:
    """The first st lessons of the course, the first cl of them completed, times in order."""
    watched = "se.enrolled + (se.last_accessed - se.enrolled) * (p::float8 / se.st)"
    seconds = f"{lesson_minutes('se.les_start + p')} * 60"
    return f"""
    INSERT INTO lesson_progress (id, "progressId", "lessonId", completed, "completedAt",
                                 "watchTimeSeconds", "lastWatchedAt")
    SELECT {ident("lpr", "se.lp_start + p")}, {ident("cpr", "se.e")},
           {ident("les", "se.les_start + p")}, p <= se.cl,
           CASE WHEN p <= se.cl THEN {watched} END,
           CASE WHEN p <= se.cl THEN {seconds} * (0.8 + 0.5 * {rnd("se.lp_start + p", 44)})
                ELSE {seconds} * 0.9 * {rnd("se.lp_start + p", 44)} END::int,
           {watched}
    FROM seed_enrollment se, generate_series(1, se.st) p
    WHERE se.st > 0
    """


def certificates_sql() -> str:
    return f"""
    INSERT INTO certificates (id, "userId", "courseId", "certificateNo", "issuedAt",
                              "expiresAt", "pdfUrl")
    SELECT {ident("crt", "e")}, {ident("usr", "u")}, {ident("crs", "c")}, cert_no,
           completed_at + interval '5 minutes', NULL,
           'https://media.example.com/certificates/' || cert_no || '.pdf'
    FROM (SELECT *, 'LMS-' || to_char(completed_at, 'YYYY') || '-' || lpad(e::text, 7, '0')
                    AS cert_no
          FROM seed_enrollment WHERE status = 'COMPLETED') done
    """


def attempt_share(s: Scale, finished_pairs: int) -> float:
    """The share of (student, finished module) pairs that take the quiz, to hit the target."""
    if finished_pairs == 0:
        return 0.0
    return min(1.0, s.quiz_attempts / (finished_pairs * MEAN_ATTEMPTS_PER_PAIR))


def quiz_attempts_sql(share: float) -> str:
    """1-3 attempts per chosen pair; earlier ones fail, the last passes 85% of the time."""
    pair = "(se.e * 16 + j)"
    quiz = "(se.mod_start + j)"
    # The student reaches module j's quiz a matching share of the way through their activity.
    reached = "(se.last_accessed - se.enrolled) * (j::float8 / (se.modules_done + 1))"
    passing = quiz_passing_score(quiz)
    passes = f"(k = a.tries AND {rnd(pair, 52)} < 0.85)"
    score = (
        f"CASE WHEN {passes} THEN {passing} + (100 - {passing}) * {rnd(f'{pair} * 4 + k', 53)}"
        f" ELSE {passing} * (0.3 + 0.65 * {rnd(f'{pair} * 4 + k', 53)}) END"
    )
    return f"""
    INSERT INTO quiz_attempts (id, "quizId", "userId", score, passed, answers, "startedAt",
                               "completedAt")
    SELECT {ident("att", f"row_number() OVER (ORDER BY t.started, {pair} * 4 + k)")},
           {ident("qz", quiz)}, {ident("usr", "se.u")},
           t.score, t.score >= {passing}, {answers_json(quiz, f"{pair} * 4 + k")},
           t.started, t.started + interval '1 minute' * (3 + {pick(f"{pair} * 4 + k", 55, 20)})
    FROM seed_enrollment se, generate_series(1, se.modules_done) j,
         LATERAL (SELECT 1 + ({rnd(pair, 51)} >= 0.7)::int + ({rnd(pair, 51)} >= 0.9)::int
                  AS tries) a,
         generate_series(1, a.tries) k,
         LATERAL (SELECT round(({score})::numeric, 1)::float8 AS score,
                         greatest(se.enrolled, least({ANCHOR} - interval '1 hour',
                             se.enrolled + {reached} + interval '1 day' * (k - 1))) AS started) t
    WHERE se.modules_done > 0 AND {rnd(pair, 50)} < {share:.6f}
    """


def answers_json(quiz: str, attempt: str) -> str:
    """{questionId: answer} for the quiz's questions (same numbering as questions_sql)."""
    n = QUESTIONS_PER_QUIZ
    parts = []
    for i in range(1, n + 1):
        qn = f"(({quiz}) - 1) * {n} + {i}"
        if i <= n - 2:
            answer = f"{question_options(qn)} ->> {pick(f'{attempt} * 8 + {i}', 56, 4)}"
        elif i == n - 1:
            coin = rnd(f"{attempt} * 8 + {i}", 56)
            answer = f"CASE WHEN {coin} < 0.6 THEN 'false' ELSE 'true' END"
        else:
            answer = "'I would check the data first, then compare against a simple baseline.'"
        parts.append(f"{ident('qst', qn)}, {answer}")
    return "jsonb_build_object(" + ", ".join(parts) + ")"


def course_analytics_sql() -> str:
    """Per course figures from the plan (the same rows the tables were filled from)."""
    return f"""
    INSERT INTO course_analytics (id, "courseId", "totalEnrollments", "activeEnrollments",
                                  "completionRate", "averageProgress", "totalRevenue",
                                  "averageRating", "lastCalculatedAt")
    SELECT {ident("can", "sc.c")}, {ident("crs", "sc.c")}, count(se.e),
           count(*) FILTER (WHERE se.status = 'ACTIVE'),
           coalesce(100.0 * count(*) FILTER (WHERE se.status = 'COMPLETED')
                    / nullif(count(se.e), 0), 0),
           coalesce(avg((100 * se.cl) / se.n), 0),
           coalesce(sum(se.amount) FILTER (WHERE se.pay = 'COMPLETED'), 0),
           CASE WHEN count(se.e) > 0 THEN round((3.4 + 1.5 * {rnd("sc.c", 60)})::numeric, 1) END,
           {ANCHOR}
    FROM seed_course sc LEFT JOIN seed_enrollment se USING (c)
    GROUP BY sc.c
    """
