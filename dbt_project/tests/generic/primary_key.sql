{#-
    A composite primary key: fails with one row per key that is duplicated or has a null part.
    (Single-column keys use the built-in unique and not_null tests.)
-#}
{% test primary_key(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
    {%- for column in columns %}
    or {{ column }} is null
    {%- endfor %}

{% endtest %}
