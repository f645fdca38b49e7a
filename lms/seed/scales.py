"""The sizes of the generated data sets (DESIGN.md section 4) and the knobs derived from them."""

from dataclasses import dataclass

# Chance that a paid enrollment is finished, by course difficulty (MOOC-like: most never finish).
COMPLETION_CHANCE = {"BEGINNER": 0.08, "INTERMEDIATE": 0.05, "ADVANCED": 0.035, "EXPERT": 0.025}
# Payment outcome thresholds on one uniform draw: FAILED < 2%, PENDING < 4%, REFUNDED < 9%.
FAILED_BELOW, PENDING_BELOW, REFUNDED_BELOW = 0.02, 0.04, 0.09
PUBLISHED_SHARE = 0.9
QUESTIONS_PER_QUIZ = 5
MODULES_MIN, MODULES_MAX = 3, 8
# Attempts per (student, finished module) pair: 1, 2 or 3 with these chances; mean 1.4.
MEAN_ATTEMPTS_PER_PAIR = 1.4


@dataclass(frozen=True)
class Scale:
    """Target row counts; transactions equal enrollments (one payment per enrollment)."""

    users: int
    courses: int
    lessons: int
    enrollments: int
    lesson_progress: int
    quiz_attempts: int
    instructors: int
    admins: int

    def __post_init__(self):
        if self.lessons < 10 * self.courses:
            raise ValueError("lessons must be at least 10 per course (every module needs one)")
        if self.admins < 1 or self.instructors < 3:
            raise ValueError("need at least 1 admin and 3 instructors (the demo accounts)")
        if self.students < 1 or self.published_courses < 1:
            raise ValueError("need at least one student and one published course")

    @property
    def students(self) -> int:
        return self.users - self.admins - self.instructors

    @property
    def first_student(self) -> int:
        return self.admins + self.instructors + 1

    @property
    def published_courses(self) -> int:
        return max(1, round(self.courses * PUBLISHED_SHARE))

    @property
    def course_stride(self) -> int:
        """A step coprime with the published course count: a student's picks never repeat."""
        count = self.published_courses
        for step in (7, 11, 13, 17, 19, 23, 29, 31, 1):
            if count % step:
                return step
        return 1

    def progress_exponent(self) -> float:
        """The skew k of started lessons (n * u**k) that makes lesson_progress hit its target.

        Expected started lessons per enrollment: paid ones that finish contribute every lesson,
        the rest about n/(k+1) - 1/2; solve for k.
        """
        mean_lessons = self.lessons / self.courses
        paid, refunded = 1 - REFUNDED_BELOW, REFUNDED_BELOW - PENDING_BELOW
        finish = sum(COMPLETION_CHANCE.values()) / len(COMPLETION_CHANCE)
        target = self.lesson_progress / self.enrollments
        from_finished = paid * finish * mean_lessons
        rest = max(0.1, (target - from_finished) / (paid * (1 - finish) + refunded))
        return max(0.3, mean_lessons / (rest + 0.5) - 1)


SCALES = {
    "medium": Scale(
        users=10_000,
        courses=200,
        lessons=10_000,
        enrollments=100_000,
        lesson_progress=500_000,
        quiz_attempts=50_000,
        instructors=50,
        admins=3,
    ),
    "large": Scale(
        users=100_000,
        courses=2_000,
        lessons=100_000,
        enrollments=1_000_000,
        lesson_progress=5_000_000,
        quiz_attempts=500_000,
        instructors=400,
        admins=5,
    ),
}
