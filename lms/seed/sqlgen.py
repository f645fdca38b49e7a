"""SQL fragments for the generated scales: deterministic pseudo-randomness, ids, word lists."""

# Every generated row is a pure function of its number: hashint8extended() gives the same value
# for the same (number, salt) on every run and every server, so the data set is reproducible
# without a random() sequence whose order would depend on the query plan.
ANCHOR = "CAST(:anchor AS timestamp(3))"


def rnd(expr: str, salt: int) -> str:
    """A uniform float in [0, 1) drawn from (expr, salt)."""
    return f"((hashint8extended(({expr})::int8, {salt}) & 16777215)::float8 / 16777216.0)"


def pick(expr: str, salt: int, n: int) -> str:
    """A uniform integer in [0, n) drawn from (expr, salt)."""
    return f"(((hashint8extended(({expr})::int8, {salt}) & 2147483647) % {n})::int)"


def ident(tag: str, expr: str) -> str:
    """A text id 'c' + table tag + zero-padded number: unique per table, sorted like the number.

    Sorted ids make primary-key inserts append to the right edge of the index.
    """
    return f"('c{tag}' || lpad(({expr})::text, 10, '0'))"


def days_before_anchor(days_expr: str) -> str:
    return f"({ANCHOR} - interval '1 day' * ({days_expr}))"


def sql_array(words: list[str]) -> str:
    """A text[] literal; the words are constants of this package (no quotes inside)."""
    return "ARRAY[" + ", ".join(f"'{word}'" for word in words) + "]"


def choose(words: list[str], expr: str, salt: int) -> str:
    """One of words, picked by (expr, salt)."""
    return f"({sql_array(words)})[1 + {pick(expr, salt, len(words))}]"


def lesson_minutes(lesson_no: str) -> str:
    """A lesson's length in minutes; also used to size watch time, so both agree."""
    return f"(4 + {pick(lesson_no, 23, 22)})"


def quiz_passing_score(quiz_no: str) -> str:
    return f"((ARRAY[60, 70, 80])[1 + {pick(quiz_no, 24, 3)}])"


# Multiple-choice option sets (JSON arrays); a question's set and correct answer come from its
# number, so attempts can answer with one of the same options.
OPTION_SETS = [
    '["Gradient descent", "Backpropagation", "Dropout", "Batch normalization"]',
    '["Precision", "Recall", "F1 score", "Accuracy"]',
    '["Tokenization", "Embedding", "Attention", "Decoding"]',
    '["Overfitting", "Underfitting", "Data leakage", "Class imbalance"]',
]


def question_options(question_no: str) -> str:
    return f"(({sql_array(OPTION_SETS)})[1 + {pick(question_no, 25, len(OPTION_SETS))}])::jsonb"


FIRST_NAMES = [
    "Maya",
    "Liam",
    "Noah",
    "Olivia",
    "Aisha",
    "Mateo",
    "Sofia",
    "Ethan",
    "Yuki",
    "Priya",
    "Lucas",
    "Amara",
    "Chen",
    "Elena",
    "Omar",
    "Zoe",
    "Ravi",
    "Ingrid",
    "Diego",
    "Hana",
    "Kwame",
    "Lena",
    "Tariq",
    "Nora",
    "Felix",
    "Ana",
    "Jonas",
    "Leila",
    "Marco",
    "Sara",
]
LAST_NAMES = [
    "Patel",
    "Garcia",
    "Kim",
    "Nguyen",
    "Okafor",
    "Schmidt",
    "Rossi",
    "Silva",
    "Tanaka",
    "Johansson",
    "Haddad",
    "Kowalski",
    "Dubois",
    "Mensah",
    "Costa",
    "Novak",
    "Ali",
    "Brown",
    "Ivanova",
    "Lopez",
    "Fischer",
    "Moreau",
    "Sato",
    "Singh",
    "Walker",
    "Yilmaz",
]
TOPICS = [
    "Machine Learning",
    "Deep Learning",
    "Computer Vision",
    "Natural Language Processing",
    "Large Language Models",
    "Reinforcement Learning",
    "Data Engineering",
    "MLOps",
    "Generative AI",
    "Time Series Forecasting",
    "Recommender Systems",
    "Graph Neural Networks",
    "Speech Recognition",
    "AI Product Management",
    "Data Visualization",
    "Statistics for AI",
    "Vector Databases",
    "AI Safety",
    "Edge AI",
    "Causal Inference",
    "Bayesian Methods",
    "Feature Engineering",
    "Model Interpretability",
    "AI Agents",
    "Retrieval Augmented Generation",
    "Transformers",
    "Diffusion Models",
    "Anomaly Detection",
    "Optimization",
    "Prompt Design",
    "SQL for Data Science",
    "PyTorch",
    "TensorFlow",
    "Scikit-Learn",
    "Kubernetes for ML",
    "Data Labeling",
    "AutoML",
    "Federated Learning",
    "Robotics",
    "Computational Linguistics",
]
FORMATS = [
    "Essentials",
    "in Practice",
    "Masterclass",
    "Bootcamp",
    "Deep Dive",
    "Crash Course",
    "Workshop",
    "Foundations",
    "Advanced Topics",
    "Hands-On",
]
MODULE_THEMES = [
    "Core Concepts",
    "Working with Data",
    "Building a Baseline",
    "Evaluation",
    "Going to Production",
    "Scaling Up",
    "Case Studies",
    "Best Practices",
    "Troubleshooting",
    "What Comes Next",
]
LESSON_THEMES = [
    "Overview",
    "Key Ideas",
    "Worked Example",
    "Hands-on Lab",
    "Common Pitfalls",
    "Deep Dive",
    "Exercise",
    "Recap",
    "Live Coding",
    "Q&A Session",
    "Reading",
    "Mini Project",
]
