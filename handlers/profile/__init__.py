"""Onboarding and the profile: joining with /start, changing one answer with /settings and
/language, and erasing one's data with /forget. `steps` holds the questions a profile is made
of, which onboarding and /settings share."""
