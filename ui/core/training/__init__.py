"""Training control and evaluation: learning-rate schedules, stop conditions, and what a run's weights score."""
