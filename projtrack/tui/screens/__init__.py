"""The views (portfolio, project, milestones, variance, targets) and the help screen."""
