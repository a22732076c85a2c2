"""The Learn pages' models: one backprop step stage by stage, the tutorial's digits model."""
