"""The course catalog: courses, their modules and lessons, and media assets."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, Computed, ForeignKey, Index, Integer, Text, false, text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Model
from lms.models.common import (
    CASCADE,
    CHILD_ROWS,
    Difficulty,
    Money,
    TextArray,
    created_at_column,
    id_column,
    pg_enum,
    updated_at_column,
)

# The PHASE 4 generated column (migration database_optimization), as PostgreSQL normalises it.
SEARCH_VECTOR_SQL = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(title, ''::text)), 'A'::\"char\") || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(description, ''::text)), 'B'::\"char\"))"
)


class Course(Model):
    __tablename__ = "courses"
    __table_args__ = (
        Index("courses_slug_key", "slug", unique=True),
        Index("courses_published_featured_idx", "published", "featured"),
        Index("courses_instructorId_idx", "instructorId"),
        Index("courses_difficulty_idx", "difficulty"),
        Index("courses_price_idx", "price"),
        Index("courses_search_vector_idx", "search_vector", postgresql_using="gin"),
    )

    id: Mapped[str] = id_column()
    title: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    slug: Mapped[str] = mapped_column(Text, nullable=False)
    price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    currency: Mapped[str] = mapped_column(Text, nullable=False, default="USD", server_default="USD")
    duration_hours: Mapped[int] = mapped_column("durationHours", Integer, nullable=False)
    difficulty: Mapped[Difficulty] = mapped_column(pg_enum(Difficulty), nullable=False)
    published: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    featured: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    learning_objectives: Mapped[list[str] | None] = mapped_column("learningObjectives", TextArray)
    prerequisites: Mapped[list[str] | None] = mapped_column(TextArray)
    thumbnail_url: Mapped[str | None] = mapped_column("thumbnailUrl", Text)
    video_url: Mapped[str | None] = mapped_column("videoUrl", Text)
    # No foreign key in Prisma: a course outlives its instructor's account.
    instructor_id: Mapped[str | None] = mapped_column("instructorId", Text)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
    search_vector = mapped_column(
        TSVECTOR, Computed(SEARCH_VECTOR_SQL, persisted=True), deferred=True
    )

    instructor = relationship(
        "User",
        primaryjoin="foreign(Course.instructor_id) == User.id",
        viewonly=True,
        lazy="select",
    )
    modules = relationship(
        "CourseModule", back_populates="course", **CHILD_ROWS, order_by="CourseModule.order"
    )
    enrollments = relationship("Enrollment", back_populates="course", **CHILD_ROWS)
    progress = relationship("CourseProgress", back_populates="course", **CHILD_ROWS)

    def __str__(self) -> str:
        return self.title


Index(
    "courses_published_featured_createdAt_idx",
    Course.published,
    Course.featured,
    Course.created_at.desc(),
)
Index("courses_createdAt_idx", Course.created_at.desc())
# PHASE 4 partial index: the public catalog only ever lists published courses.
Index(
    "courses_published_catalog_idx",
    Course.featured.desc(),
    Course.difficulty,
    Course.created_at.desc(),
    postgresql_where=text("published = true"),
)


class CourseModule(Model):
    __tablename__ = "course_modules"
    __table_args__ = (Index("course_modules_courseId_order_idx", "courseId", "order"),)

    id: Mapped[str] = id_column()
    course_id: Mapped[str] = mapped_column(
        "courseId", Text, ForeignKey("courses.id", **CASCADE), nullable=False
    )
    title: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    order: Mapped[int] = mapped_column(Integer, nullable=False)
    duration: Mapped[int] = mapped_column(Integer, nullable=False)  # minutes
    video_url: Mapped[str | None] = mapped_column("videoUrl", Text)
    content: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    course = relationship("Course", back_populates="modules")
    lessons = relationship("Lesson", back_populates="module", **CHILD_ROWS, order_by="Lesson.order")

    def __str__(self) -> str:
        return self.title


class Lesson(Model):
    __tablename__ = "lessons"
    __table_args__ = (Index("lessons_moduleId_order_idx", "moduleId", "order"),)

    id: Mapped[str] = id_column()
    module_id: Mapped[str] = mapped_column(
        "moduleId", Text, ForeignKey("course_modules.id", **CASCADE), nullable=False
    )
    title: Mapped[str] = mapped_column(Text, nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    video_url: Mapped[str | None] = mapped_column("videoUrl", Text)
    order: Mapped[int] = mapped_column(Integer, nullable=False)
    duration: Mapped[int] = mapped_column(Integer, nullable=False)  # minutes
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    module = relationship("CourseModule", back_populates="lessons")
    progress = relationship("LessonProgress", back_populates="lesson", **CHILD_ROWS)

    def __str__(self) -> str:
        return self.title


class Media(Model):
    __tablename__ = "media"
    __table_args__ = (
        Index("media_type_idx", "type"),
        Index("media_provider_idx", "provider"),
    )

    id: Mapped[str] = id_column()
    type: Mapped[str] = mapped_column(Text, nullable=False)  # video, image, document
    url: Mapped[str] = mapped_column(Text, nullable=False)
    provider: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column("providerId", Text)
    title: Mapped[str | None] = mapped_column(Text)
    duration: Mapped[int | None] = mapped_column(Integer)  # seconds
    size: Mapped[int | None] = mapped_column(Integer)  # bytes
    mime_type: Mapped[str | None] = mapped_column("mimeType", Text)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    def __str__(self) -> str:
        return self.title or self.url


__all__ = ["Course", "CourseModule", "Lesson", "Media"]
