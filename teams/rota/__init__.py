"""The rota the team runs itself: visits, patterns, claims, offers, availability, continuity."""
