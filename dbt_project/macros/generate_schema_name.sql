{#- Custom schemas are used as-is (staging, intermediate, marts), not prefixed with the target schema. The marts
    and reports go to SOCIALMART_MARTS_SCHEMA when it is set: on PostgreSQL a run builds them in marts__build, and
    publishing swaps that schema in as marts after the gate (socialmart/postgres_publish.py). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif custom_schema_name | trim == 'marts' -%}
        {{ env_var('SOCIALMART_MARTS_SCHEMA', 'marts') }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
