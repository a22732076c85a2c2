"""The Playground's points: the input features made from x1 and x2, and the CSV files users upload and download."""
