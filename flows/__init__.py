"""Prefect flows. socialmart is imported first: Prefect reads its settings (the ephemeral server's start-up timeout
among them) when it is first imported, so socialmart's environment defaults must be set before any flow module
imports Prefect."""

import socialmart  # noqa: F401
