{#-
    A composite primary key: fails with one row per key that is duplicated or has a null part.
    (Single-column keys use the built-in unique and not_null tests.)
    rebuild_window: the key's day column, on models whose days the nightly rebuild window covers: a night then
    checks only the rebuilt days (macro rebuild_window_where).
-#}
{% test primary_key(model, columns, rebuild_window=none) %}

select
    {{ columns | join(', ') }},
    count(*) as n_rows
from {{ model }}
{{ rebuild_window_where(rebuild_window) }}
group by {{ columns | join(', ') }}
having count(*) > 1
    {%- for column in columns %}
    or {{ column }} is null
    {%- endfor %}

{% endtest %}
