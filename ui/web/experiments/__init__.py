"""The Experiment pages: Compare runs and Sweeps, both starting from the Playground's setup."""
