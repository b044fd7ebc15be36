# Portfolio models arrive with the portfolio issue.
