"""Hand-written content of the demo: six AI courses with modules, lessons, quizzes and media."""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class QuizSpec:
    title: str
    module: int | None  # the module's order, or None for a course-wide final exam
    passing_score: int
    # (type, question, options or None, correct answer or None)
    questions: list[tuple[str, str, list[str] | None, str | None]]


@dataclass(frozen=True)
class CourseSpec:
    slug: str
    title: str
    description: str
    instructor: str  # e-mail
    difficulty: str
    price: Decimal
    launched_days_ago: int
    popularity: float  # relative chance a student picks it
    finish_rate: float  # chance a paid, old-enough enrollment is finished
    rating: float
    featured: bool
    objectives: list[str]
    prerequisites: list[str]
    # (module title, [(lesson title, minutes), ...])
    modules: list[tuple[str, list[tuple[str, int]]]]
    quizzes: list[QuizSpec] = field(default_factory=list)

    @property
    def lesson_count(self) -> int:
        return sum(len(lessons) for _, lessons in self.modules)


def mc(question: str, options: list[str], answer: str):
    return ("multiple_choice", question, options, answer)


def tf(question: str, answer: bool):
    return ("true_false", question, None, "true" if answer else "false")


def essay(question: str):
    return ("essay", question, None, None)


COURSES = [
    CourseSpec(
        slug="prompt-engineering-fundamentals",
        title="Prompt Engineering Fundamentals",
        description="Write prompts that get reliable, structured answers from large language "
        "models, and measure whether a change really helped.",
        instructor="ada@example.com",
        difficulty="BEGINNER",
        price=Decimal("49.00"),
        launched_days_ago=400,
        popularity=3.0,
        finish_rate=0.55,
        rating=4.7,
        featured=True,
        objectives=[
            "Structure prompts with roles, context and examples",
            "Get JSON and tables back reliably",
            "Evaluate prompts with a test set",
        ],
        prerequisites=[],
        modules=[
            (
                "Foundations of Prompting",
                [
                    ("How Language Models Read Prompts", 12),
                    ("Anatomy of a Good Prompt", 10),
                    ("Zero-shot and Few-shot Prompts", 14),
                ],
            ),
            (
                "Structuring Outputs",
                [("Asking for JSON and Tables", 11), ("Role and System Prompts", 9)],
            ),
            (
                "Reasoning Techniques",
                [
                    ("Chain-of-Thought Prompting", 15),
                    ("Self-Consistency and Voting", 12),
                    ("Breaking Tasks into Steps", 10),
                ],
            ),
            ("Evaluating Prompts", [("Building a Test Set", 13), ("Measuring Prompt Quality", 12)]),
        ],
        quizzes=[
            QuizSpec(
                "Prompt basics check-in",
                2,
                70,
                [
                    mc(
                        "Which part of a prompt sets the model's persona?",
                        ["System prompt", "Temperature", "Stop sequence", "Top-p"],
                        "System prompt",
                    ),
                    mc(
                        "A few-shot prompt contains…",
                        ["Worked examples", "No instructions", "Only a question", "Code"],
                        "Worked examples",
                    ),
                    tf("Asking for JSON guarantees valid JSON every time.", False),
                ],
            ),
            QuizSpec(
                "Final exam: Prompt Engineering",
                None,
                75,
                [
                    mc(
                        "Chain-of-thought prompting asks the model to…",
                        [
                            "Show its reasoning steps",
                            "Answer in one word",
                            "Call a tool",
                            "Refuse politely",
                        ],
                        "Show its reasoning steps",
                    ),
                    mc(
                        "The best way to know a prompt change helped is…",
                        [
                            "Run it on a test set",
                            "Try it once",
                            "Ask a colleague",
                            "Make the prompt longer",
                        ],
                        "Run it on a test set",
                    ),
                    tf("Self-consistency samples several answers and takes a vote.", True),
                    essay("Describe a prompt you improved and how you measured the improvement."),
                ],
            ),
        ],
    ),
    CourseSpec(
        slug="machine-learning-with-python",
        title="Machine Learning with Python",
        description="From NumPy and pandas to gradient boosting: train, evaluate and ship "
        "classic machine-learning models with scikit-learn.",
        instructor="ada@example.com",
        difficulty="INTERMEDIATE",
        price=Decimal("129.00"),
        launched_days_ago=420,
        popularity=2.2,
        finish_rate=0.4,
        rating=4.6,
        featured=False,
        objectives=[
            "Prepare data with pandas",
            "Train and compare supervised models",
            "Ship a model behind a pipeline",
        ],
        prerequisites=["Python basics", "High-school algebra"],
        modules=[
            (
                "Python for Data",
                [
                    ("NumPy Essentials", 18),
                    ("pandas DataFrames", 20),
                    ("Plotting with Matplotlib", 15),
                ],
            ),
            (
                "Supervised Learning",
                [("Linear Regression", 22), ("Logistic Regression", 20), ("Decision Trees", 18)],
            ),
            ("Model Evaluation", [("Cross-Validation", 17), ("Metrics Beyond Accuracy", 16)]),
            ("Ensembles", [("Random Forests", 19), ("Gradient Boosting", 21)]),
            (
                "Shipping a Model",
                [("Pipelines in scikit-learn", 16), ("Saving and Serving Models", 14)],
            ),
        ],
        quizzes=[
            QuizSpec(
                "Supervised learning quiz",
                2,
                70,
                [
                    mc(
                        "Which model predicts a probability of a class?",
                        ["Logistic regression", "Linear regression", "k-means", "PCA"],
                        "Logistic regression",
                    ),
                    mc(
                        "A decision tree splits data to reduce…",
                        ["Impurity", "Learning rate", "Batch size", "Latency"],
                        "Impurity",
                    ),
                    tf("Linear regression can only use one feature.", False),
                ],
            ),
            QuizSpec(
                "Final exam: Machine Learning",
                None,
                70,
                [
                    mc(
                        "Cross-validation is used to…",
                        [
                            "Estimate performance on unseen data",
                            "Speed up training",
                            "Remove outliers",
                            "Label data",
                        ],
                        "Estimate performance on unseen data",
                    ),
                    mc(
                        "Gradient boosting builds trees…",
                        [
                            "One after another, fixing errors",
                            "All at once",
                            "Without data",
                            "Only of depth one",
                        ],
                        "One after another, fixing errors",
                    ),
                    tf("Accuracy is a good metric for heavily imbalanced classes.", False),
                    essay(
                        "Explain how you would choose between a random forest and a linear model."
                    ),
                ],
            ),
        ],
    ),
    CourseSpec(
        slug="deep-learning-neural-networks",
        title="Deep Learning & Neural Networks",
        description="Build neural networks from perceptrons to transformers, and learn the "
        "training tricks that make deep models work.",
        instructor="grace@example.com",
        difficulty="ADVANCED",
        price=Decimal("199.00"),
        launched_days_ago=390,
        popularity=1.6,
        finish_rate=0.3,
        rating=4.8,
        featured=True,
        objectives=[
            "Derive backpropagation",
            "Train CNNs for images",
            "Understand attention and transformers",
        ],
        prerequisites=["Machine Learning with Python", "Linear algebra"],
        modules=[
            (
                "Neural Network Basics",
                [("Perceptrons to MLPs", 20), ("Backpropagation by Hand", 25)],
            ),
            (
                "Training Deep Networks",
                [
                    ("Optimizers: SGD to Adam", 18),
                    ("Regularization and Dropout", 16),
                    ("Batch Normalization", 14),
                ],
            ),
            (
                "Convolutional Networks",
                [("Convolutions Explained", 22), ("Building an Image Classifier", 28)],
            ),
            ("Sequence Models", [("RNNs and LSTMs", 24), ("Attention and Transformers", 26)]),
        ],
        quizzes=[
            QuizSpec(
                "Training deep networks quiz",
                2,
                70,
                [
                    mc(
                        "Dropout helps mainly against…",
                        ["Overfitting", "Underfitting", "Slow GPUs", "Missing labels"],
                        "Overfitting",
                    ),
                    mc(
                        "Adam combines momentum with…",
                        ["Adaptive learning rates", "Dropout", "Pooling", "Attention"],
                        "Adaptive learning rates",
                    ),
                    tf("Batch normalization is only used at inference time.", False),
                ],
            ),
            QuizSpec(
                "Final exam: Deep Learning",
                None,
                80,
                [
                    mc(
                        "A convolution layer shares…",
                        ["Weights across positions", "Labels", "Optimizers", "Losses"],
                        "Weights across positions",
                    ),
                    mc(
                        "Transformers replaced recurrence with…",
                        ["Self-attention", "Pooling", "Dropout", "Decision trees"],
                        "Self-attention",
                    ),
                    tf("LSTMs were designed to ease vanishing gradients.", True),
                    essay("Walk through one step of backpropagation for a two-layer network."),
                ],
            ),
        ],
    ),
    CourseSpec(
        slug="building-llm-applications",
        title="Building LLM Applications",
        description="Ship applications on top of large language models: APIs, retrieval-"
        "augmented generation, tools and agents, evaluation and cost control.",
        instructor="grace@example.com",
        difficulty="INTERMEDIATE",
        price=Decimal("149.00"),
        launched_days_ago=150,
        popularity=4.5,
        finish_rate=0.35,
        rating=4.9,
        featured=True,
        objectives=[
            "Build a RAG pipeline",
            "Give a model tools",
            "Evaluate and monitor an LLM app",
        ],
        prerequisites=["Prompt Engineering Fundamentals", "Python basics"],
        modules=[
            ("LLM APIs", [("Calling a Model API", 12), ("Tokens, Context and Cost", 10)]),
            (
                "Retrieval-Augmented Generation",
                [
                    ("Embeddings and Vector Search", 18),
                    ("Chunking Documents", 14),
                    ("Building a RAG Pipeline", 22),
                ],
            ),
            ("Tools and Agents", [("Function Calling", 16), ("Designing an Agent Loop", 20)]),
            (
                "Production",
                [
                    ("Evaluating LLM Apps", 15),
                    ("Guardrails and Safety", 13),
                    ("Monitoring and Cost Control", 12),
                ],
            ),
        ],
        quizzes=[
            QuizSpec(
                "RAG check-in",
                2,
                70,
                [
                    mc(
                        "Embeddings turn text into…",
                        ["Vectors", "Tokens", "Prompts", "Images"],
                        "Vectors",
                    ),
                    mc(
                        "Chunking documents mainly helps…",
                        [
                            "Fit relevant text in context",
                            "Train the model",
                            "Reduce latency to zero",
                            "Encrypt data",
                        ],
                        "Fit relevant text in context",
                    ),
                    tf("RAG needs the model to be fine-tuned first.", False),
                ],
            ),
            QuizSpec(
                "Final exam: LLM Applications",
                None,
                75,
                [
                    mc(
                        "Function calling lets a model…",
                        [
                            "Request a tool with arguments",
                            "Run code on its own",
                            "Browse freely",
                            "Change its weights",
                        ],
                        "Request a tool with arguments",
                    ),
                    mc(
                        "The main driver of API cost is…",
                        ["Tokens processed", "Number of users", "Prompt language", "Time of day"],
                        "Tokens processed",
                    ),
                    tf("Guardrails can check both inputs and outputs.", True),
                    essay("Design an evaluation for a customer-support RAG assistant."),
                ],
            ),
        ],
    ),
    CourseSpec(
        slug="ai-ethics-responsible-ai",
        title="AI Ethics & Responsible AI",
        description="Fairness, privacy and governance for people who build or buy AI systems.",
        instructor="alan@example.com",
        difficulty="BEGINNER",
        price=Decimal("29.00"),
        launched_days_ago=300,
        popularity=1.2,
        finish_rate=0.6,
        rating=4.4,
        featured=False,
        objectives=["Spot sources of bias", "Measure fairness", "Write a model card"],
        prerequisites=[],
        modules=[
            (
                "Why Ethics Matters",
                [("Case Studies of AI Harm", 14), ("Principles and Frameworks", 12)],
            ),
            (
                "Fairness and Bias",
                [
                    ("Sources of Bias", 13),
                    ("Measuring Fairness", 15),
                    ("Mitigation Strategies", 14),
                ],
            ),
            (
                "Governance",
                [
                    ("Privacy and Data Rights", 12),
                    ("Regulation Around the World", 16),
                    ("Writing a Model Card", 10),
                ],
            ),
        ],
        quizzes=[
            QuizSpec(
                "Fairness quiz",
                2,
                60,
                [
                    mc(
                        "Historical bias comes from…",
                        ["Past decisions in the data", "GPU rounding", "Small batches", "Dropout"],
                        "Past decisions in the data",
                    ),
                    mc(
                        "Demographic parity compares…",
                        ["Positive rates across groups", "Model sizes", "Training times", "Prices"],
                        "Positive rates across groups",
                    ),
                    tf("Removing the sensitive attribute always removes bias.", False),
                ],
            ),
            QuizSpec(
                "Final exam: Responsible AI",
                None,
                70,
                [
                    mc(
                        "A model card documents…",
                        [
                            "Intended use and limits",
                            "The GPU model",
                            "The team's salaries",
                            "Only accuracy",
                        ],
                        "Intended use and limits",
                    ),
                    tf("Privacy law can apply to training data.", True),
                    essay("Pick an AI system you use and describe one fairness risk it has."),
                ],
            ),
        ],
    ),
    CourseSpec(
        slug="reinforcement-learning-in-practice",
        title="Reinforcement Learning in Practice",
        description="Markov decision processes to PPO: train agents that learn from reward, and "
        "avoid the reward-design traps.",
        instructor="alan@example.com",
        difficulty="EXPERT",
        price=Decimal("249.00"),
        launched_days_ago=240,
        popularity=0.8,
        finish_rate=0.15,
        rating=4.3,
        featured=False,
        objectives=["Model problems as MDPs", "Train DQN and PPO agents", "Design rewards"],
        prerequisites=["Deep Learning & Neural Networks", "Probability"],
        modules=[
            ("Foundations", [("Markov Decision Processes", 22), ("Dynamic Programming", 20)]),
            ("Value-Based Methods", [("Q-Learning", 24), ("Deep Q-Networks", 26)]),
            ("Policy Methods", [("Policy Gradients", 25), ("PPO in Practice", 28)]),
            ("Projects", [("Training an Agent to Play", 30), ("Reward Design Pitfalls", 18)]),
        ],
        quizzes=[
            QuizSpec(
                "Value-based methods quiz",
                2,
                70,
                [
                    mc(
                        "Q-learning learns the value of…",
                        ["State-action pairs", "Only states", "Only rewards", "Pixels"],
                        "State-action pairs",
                    ),
                    mc(
                        "DQN stabilises training with…",
                        [
                            "A replay buffer and target network",
                            "Dropout only",
                            "Larger batches",
                            "Smaller rewards",
                        ],
                        "A replay buffer and target network",
                    ),
                    tf("Q-learning is an on-policy method.", False),
                ],
            ),
            QuizSpec(
                "Final exam: Reinforcement Learning",
                None,
                80,
                [
                    mc(
                        "PPO limits each policy update with…",
                        ["A clipped objective", "A bigger network", "No rewards", "Supervision"],
                        "A clipped objective",
                    ),
                    tf("A badly designed reward can be exploited by the agent.", True),
                    essay("Describe a reward you would design for a delivery robot and its risks."),
                ],
            ),
        ],
    ),
]

# (type, url, provider, providerId, title, duration seconds, size bytes, mime type)
MEDIA = [
    (
        "video",
        "https://vimeo.com/810000001",
        "vimeo",
        "810000001",
        "Prompt Engineering Fundamentals: trailer",
        95,
        48_000_000,
        "video/mp4",
    ),
    (
        "video",
        "https://vimeo.com/810000002",
        "vimeo",
        "810000002",
        "Machine Learning with Python: trailer",
        120,
        61_000_000,
        "video/mp4",
    ),
    (
        "video",
        "https://www.youtube.com/watch?v=dl-intro-01",
        "youtube",
        "dl-intro-01",
        "Deep Learning: what you will build",
        180,
        None,
        "video/mp4",
    ),
    (
        "video",
        "https://vimeo.com/810000004",
        "vimeo",
        "810000004",
        "Building LLM Applications: live demo",
        240,
        122_000_000,
        "video/mp4",
    ),
    (
        "image",
        "https://media.example.com/courses/prompt-engineering-fundamentals.jpg",
        "s3",
        "courses/prompt-engineering-fundamentals.jpg",
        "Prompt Engineering thumbnail",
        None,
        184_000,
        "image/jpeg",
    ),
    (
        "image",
        "https://media.example.com/courses/building-llm-applications.jpg",
        "s3",
        "courses/building-llm-applications.jpg",
        "LLM Applications thumbnail",
        None,
        201_000,
        "image/jpeg",
    ),
    (
        "image",
        "https://media.example.com/courses/ai-ethics-responsible-ai.png",
        "s3",
        "courses/ai-ethics-responsible-ai.png",
        "AI Ethics thumbnail",
        None,
        96_000,
        "image/png",
    ),
    (
        "document",
        "https://media.example.com/docs/ml-python-cheatsheet.pdf",
        "s3",
        "docs/ml-python-cheatsheet.pdf",
        "scikit-learn cheat sheet",
        None,
        1_250_000,
        "application/pdf",
    ),
    (
        "document",
        "https://media.example.com/docs/rl-reading-list.pdf",
        "s3",
        "docs/rl-reading-list.pdf",
        "Reinforcement learning reading list",
        None,
        420_000,
        "application/pdf",
    ),
    (
        "document",
        "https://media.example.com/docs/model-card-template.pdf",
        "s3",
        "docs/model-card-template.pdf",
        "Model card template",
        None,
        230_000,
        "application/pdf",
    ),
]
