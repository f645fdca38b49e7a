"""Set-based SQL for the generated people and catalog: users, courses, modules, lessons, quizzes."""

from lms.seed.scales import MODULES_MAX, MODULES_MIN, QUESTIONS_PER_QUIZ, Scale
from lms.seed.sqlgen import (
    ANCHOR,
    FIRST_NAMES,
    FORMATS,
    LAST_NAMES,
    LESSON_THEMES,
    MODULE_THEMES,
    TOPICS,
    choose,
    days_before_anchor,
    ident,
    lesson_minutes,
    pick,
    question_options,
    quiz_passing_score,
    rnd,
    sql_array,
)


def user_created(u: str, s: Scale) -> str:
    """Staff joined first; students sign up ever faster over two years."""
    return (
        f"CASE WHEN {u} < {s.first_student} THEN {days_before_anchor(f'760 - {u} / 24.0')} "
        f"ELSE {days_before_anchor(f'730 * (1 - power({rnd(u, 3)}, 0.8))')} END"
    )


def users_sql(s: Scale) -> str:
    # :special maps a user number to a demo account {"email", "name"} so staff can sign in.
    return f"""
    INSERT INTO users (id, name, email, "emailVerified", image, role, "createdAt", "updatedAt")
    SELECT {ident("usr", "u")},
           coalesce(CAST(:special AS jsonb) -> u::text ->> 'name', first || ' ' || last),
           coalesce(CAST(:special AS jsonb) -> u::text ->> 'email',
                    lower(first) || '.' || lower(last) || '.' || u || '@example.net'),
           CASE WHEN {rnd("u", 2)} < 0.85 THEN created + interval '15 minutes' END,
           CASE WHEN {rnd("u", 4)} < 0.3
                THEN 'https://media.example.com/avatars/' || u || '.png' END,
           (CASE WHEN u <= {s.admins} THEN 'ADMIN' WHEN u < {s.first_student} THEN 'INSTRUCTOR'
                 ELSE 'STUDENT' END)::"UserRole",
           created, created
    FROM (SELECT u, {choose(FIRST_NAMES, "u", 5)} AS first, {choose(LAST_NAMES, "u", 6)} AS last,
                 {user_created("u", s)} AS created
          FROM generate_series(1, {s.users}) u) g
    """


def course_plan_sql(s: Scale) -> str:
    """seed_course: per course its module and lesson ranges, price, dates and instructor.

    Lessons are numbered course by course, in course order, so "the p-th lesson of course c"
    is les_start + p with no lookup; each course gets lessons in proportion to its modules and
    the total is exactly s.lessons.
    """
    spread = MODULES_MAX - MODULES_MIN + 1
    return f"""
    CREATE TEMP TABLE seed_course AS
    WITH base AS (
        SELECT c, {MODULES_MIN} + {pick("c", 11, spread)} AS modules,
               {choose(["BEGINNER", "INTERMEDIATE", "ADVANCED", "EXPERT"], "c", 12)} AS difficulty,
               c <= {s.published_courses} AS published,
               -- Published courses opened over two years, most of them early on.
               CASE WHEN c <= {s.published_courses}
                    THEN {days_before_anchor(f"60 + 670 * (1 - power({rnd('c', 13)}, 3))")}
                    ELSE {days_before_anchor(f"1 + 58 * {rnd('c', 13)}")} END AS created,
               (19 + 10 * {pick("c", 14, 29)})::numeric(10, 2) + 0.99 AS price
        FROM generate_series(1, {s.courses}) c
    ), cum AS (
        SELECT *, sum(modules) OVER (ORDER BY c) AS mod_end, sum(modules) OVER () AS mod_total
        FROM base
    )
    SELECT c, modules, difficulty, published, created, price,
           (mod_end - modules)::int AS mod_start,
           ({s.lessons}::int8 * (mod_end - modules) / mod_total)::int AS les_start,
           ({s.lessons}::int8 * mod_end / mod_total
            - {s.lessons}::int8 * (mod_end - modules) / mod_total)::int AS lessons,
           {s.admins} + 1 + (c - 1) % {s.instructors} AS instructor
    FROM cum
    """


def course_title(c: str) -> str:
    """Topic x format x volume: distinct for every course number, so slugs are unique too."""
    per_volume = len(TOPICS) * len(FORMATS)
    return (
        f"({sql_array(TOPICS)})[1 + ({c} - 1) % {len(TOPICS)}] || ' ' || "
        f"({sql_array(FORMATS)})[1 + (({c} - 1) / {len(TOPICS)}) % {len(FORMATS)}] || "
        f"CASE WHEN {c} > {per_volume} THEN ' ' || (({c} - 1) / {per_volume} + 1) ELSE '' END"
    )


def courses_sql(s: Scale) -> str:
    return f"""
    INSERT INTO courses (id, title, description, slug, price, currency, "durationHours",
                         difficulty, published, featured, "learningObjectives", prerequisites,
                         "thumbnailUrl", "videoUrl", "instructorId", "createdAt", "updatedAt")
    SELECT {ident("crs", "c")}, title,
           'A ' || lower(difficulty) || ' course: ' || title || '. ' || lessons
             || ' lessons with labs, quizzes and a final project.',
           slug, price, 'USD', greatest(1, lessons / 4), difficulty::"Difficulty", published,
           published AND {pick("c", 15, 12)} = 0,
           ARRAY['Explain the core ideas of ' || title, 'Build a working project',
                 'Evaluate results and iterate'],
           CASE WHEN difficulty = 'BEGINNER' THEN ARRAY[]::text[]
                ELSE ARRAY['Python basics', 'High-school algebra'] END,
           'https://media.example.com/courses/' || slug || '.jpg',
           'https://vimeo.com/' || (700000000 + c),
           {ident("usr", "instructor")}, created,
           least({ANCHOR}, created + interval '1 day' * 20 * {rnd("c", 16)})
    FROM (SELECT sc.*, {course_title("c")} AS title FROM seed_course sc) t,
         LATERAL (SELECT lower(regexp_replace(title, '[^A-Za-z0-9]+', '-', 'g')) AS slug) l
    """


def modules_sql() -> str:
    # Module j of a course holds course positions (ceil((j-1)n/m), ceil(jn/m)]; see lessons_sql.
    span = (
        "((j * sc.lessons + sc.modules - 1) / sc.modules "
        "- ((j - 1) * sc.lessons + sc.modules - 1) / sc.modules)"
    )
    return f"""
    INSERT INTO course_modules (id, "courseId", title, description, "order", duration,
                                "videoUrl", content, "createdAt", "updatedAt")
    SELECT {ident("mod", "sc.mod_start + j")}, {ident("crs", "sc.c")},
           'Module ' || j || ': ' || CASE j WHEN 1 THEN 'Getting Started'
               WHEN sc.modules THEN 'Capstone Project'
               ELSE {choose(MODULE_THEMES, "sc.mod_start + j", 21)} END,
           'What you will learn in module ' || j || ' and how it builds on the previous one.',
           j, {span} * 15, NULL, NULL, sc.created, sc.created
    FROM seed_course sc, generate_series(1, sc.modules) j
    """


def lessons_sql() -> str:
    # Position p (1..n) of a course with m modules lies in module index floor((p-1)m/n).
    return f"""
    INSERT INTO lessons (id, "moduleId", title, content, "videoUrl", "order", duration,
                         "createdAt", "updatedAt")
    SELECT {ident("les", "sc.les_start + p")}, {ident("mod", "sc.mod_start + x.mi + 1")},
           'Lesson ' || p || ': ' || {choose(LESSON_THEMES, "sc.les_start + p", 22)},
           'Notes, code and links for lesson ' || p || '.',
           'https://vimeo.com/' || (800000000 + sc.les_start + p),
           p - (x.mi * sc.lessons + sc.modules - 1) / sc.modules,
           {lesson_minutes("sc.les_start + p")}, sc.created, sc.created
    FROM seed_course sc, generate_series(1, sc.lessons) p,
         LATERAL (SELECT ((p - 1) * sc.modules) / sc.lessons AS mi) x
    """


def quizzes_sql() -> str:
    """One quiz per module, numbered like the module."""
    return f"""
    INSERT INTO quizzes (id, "courseId", "moduleId", title, description, "passingScore",
                         "timeLimit", "maxAttempts", "createdAt", "updatedAt")
    SELECT {ident("qz", "sc.mod_start + j")}, {ident("crs", "sc.c")},
           {ident("mod", "sc.mod_start + j")}, 'Module ' || j || ' check-in',
           'Five questions on module ' || j || '.', {quiz_passing_score("sc.mod_start + j")},
           (ARRAY[10, 15, 20, 30])[1 + {pick("sc.mod_start + j", 27, 4)}], 3,
           sc.created, sc.created
    FROM seed_course sc, generate_series(1, sc.modules) j
    """


def questions_sql() -> str:
    n = QUESTIONS_PER_QUIZ
    qn = f"(q.quiz - 1) * {n} + i"
    return f"""
    INSERT INTO questions (id, "quizId", type, question, options, "correctAnswer", points,
                           "order", "createdAt", "updatedAt")
    SELECT {ident("qst", qn)}, {ident("qz", "q.quiz")}, kind,
           CASE kind WHEN 'multiple_choice' THEN 'Which term best matches this description?'
                     WHEN 'true_false' THEN 'True or false: more data always helps.'
                     ELSE 'In a few sentences, explain what you would try next and why.' END,
           CASE WHEN kind = 'multiple_choice' THEN {question_options(qn)} END,
           CASE kind WHEN 'multiple_choice' THEN {question_options(qn)} ->> {pick(qn, 26, 4)}
                     WHEN 'true_false' THEN 'false' END,
           CASE kind WHEN 'essay' THEN 3 ELSE 1 END, i, q.created, q.created
    FROM (SELECT sc.mod_start + j AS quiz, sc.created
          FROM seed_course sc, generate_series(1, sc.modules) j) q,
         generate_series(1, {n}) i,
         LATERAL (SELECT CASE WHEN i <= {n - 2} THEN 'multiple_choice'
                              WHEN i = {n - 1} THEN 'true_false' ELSE 'essay' END AS kind) k
    """


def media_sql() -> str:
    """A thumbnail and a promo video per course, and a syllabus PDF for every fifth."""
    return f"""
    INSERT INTO media (id, type, url, provider, "providerId", title, duration, size, "mimeType",
                       "createdAt", "updatedAt")
    SELECT {ident("med", "3 * (sc.c - 1) + kind")},
           (ARRAY['image', 'video', 'document'])[kind],
           CASE kind WHEN 1 THEN 'https://media.example.com/courses/thumb-' || sc.c || '.jpg'
                     WHEN 2 THEN 'https://vimeo.com/' || (700000000 + sc.c)
                     ELSE 'https://media.example.com/syllabus/' || sc.c || '.pdf' END,
           (ARRAY['s3', 'vimeo', 's3'])[kind],
           CASE kind WHEN 2 THEN (700000000 + sc.c)::text ELSE 'course-' || sc.c END,
           (ARRAY['Thumbnail', 'Promo video', 'Syllabus'])[kind] || ' for course ' || sc.c,
           CASE kind WHEN 2 THEN 60 + {pick("sc.c", 28, 240)} END,
           CASE kind WHEN 1 THEN 40000 + {pick("sc.c", 29, 200000)}
                     WHEN 2 THEN 5000000 + {pick("sc.c", 30, 90000000)}
                     ELSE 100000 + {pick("sc.c", 31, 900000)} END,
           (ARRAY['image/jpeg', 'video/mp4', 'application/pdf'])[kind],
           sc.created, sc.created
    FROM seed_course sc, generate_series(1, 3) kind
    WHERE kind < 3 OR sc.c % 5 = 0
    """


def accounts_sql(s: Scale) -> str:
    """OAuth links for a fifth of the users (NextAuth's accounts table)."""
    return f"""
    INSERT INTO accounts (id, "userId", type, provider, "providerAccountId", token_type, scope)
    SELECT {ident("acc", "u")}, {ident("usr", "u")}, 'oauth',
           {choose(["google", "github"], "u", 32)}, (100000000 + u)::text, 'bearer',
           'openid email profile'
    FROM generate_series(1, {s.users}) u
    WHERE {pick("u", 33, 5)} = 0
    """


def sessions_sql(s: Scale) -> str:
    """Live sessions for one user in fifty."""
    return f"""
    INSERT INTO sessions (id, "sessionToken", "userId", expires)
    SELECT {ident("ses", "u")}, md5('seed-session-' || u), {ident("usr", "u")},
           {ANCHOR} + interval '1 day' * (1 + 29 * {rnd("u", 34)})
    FROM generate_series(1, {s.users}) u
    WHERE {pick("u", 35, 50)} = 0
    """


def verification_tokens_sql(s: Scale) -> str:
    """A few sign-ups still waiting for their e-mail link."""
    return f"""
    INSERT INTO verification_tokens (identifier, token, expires)
    SELECT 'verify+' || u || '@example.net', md5('seed-verify-' || u), {ANCHOR} + interval '1 day'
    FROM generate_series(1, {s.users}) u
    WHERE {pick("u", 36, 500)} = 0
    """
