"""Onboarding a district: the roster import (人员名册), accounts for every person, password resets."""
