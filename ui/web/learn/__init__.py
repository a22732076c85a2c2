"""The Learn pages: Backprop step by step, Digits, the Activation explorer; one module each."""
