"""The quadruple-aim evaluation: indicators, targets, measurements and the scorecard."""
