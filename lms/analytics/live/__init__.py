"""The dashboards' figures computed live, one SQL statement each, limited by range and course scope.

One module per dashboard. The package itself is the live FigureSource (analytics/contract.py):
it names below the figures the rollups also provide; the others are read from their module.
"""

# Every dashboard's module, so that `live.<dashboard>.<figure>` reads the same everywhere
# ("x as x" marks the two used only through the package as re-exported).
from lms.analytics.live import assessments, enrollments, progress, revenue
from lms.analytics.live import courses as courses
from lms.analytics.live import people as people

# --- the figures of contract.FigureSource ---------------------------------------------------

revenue_series = revenue.revenue_series
revenue_by_course = revenue.revenue_by_course
transactions_by_status = revenue.transactions_by_status
revenue_months = revenue.revenue_months

enrollment_series = enrollments.enrollment_series
enrollment_overview = enrollments.enrollment_overview
time_to_completion = enrollments.time_to_completion
completion_by_cohort = enrollments.completion_by_cohort
refunds_by_progress = enrollments.refunds_by_progress

progress_distribution = progress.progress_distribution
progress_by_course = progress.progress_by_course
progress_totals = progress.progress_totals

quiz_pass_rates = assessments.quiz_pass_rates
assessment_totals = assessments.assessment_totals
score_distribution = assessments.score_distribution
attempts_per_student = assessments.attempts_per_student
