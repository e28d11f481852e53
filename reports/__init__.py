"""The reports built from the published warehouse's marts.

One module per report (`monthly_targets`, `pacing`, `weekly`) reads its figures through a `reader.Reader` and lays
out a `render.ReportPage`; `schedule` says which report is due when and builds one; `sections`, `targets`, `tables`,
`charts`, `exports`, `data_quality` and `render` are the parts they share; the Jinja templates are in `templates/`.
"""
