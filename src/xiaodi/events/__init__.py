"""Events (活动): visits, matchmaking meetings, job fairs, internships, trainings, forums, and their outcomes."""
