"""Assessment (专项考核/量化考评): indicator sets and weights, periods, scores and rankings of the units assessed."""
