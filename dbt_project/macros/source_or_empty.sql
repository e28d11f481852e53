{#
    A source relation, or an empty relation with the source's declared columns when the raw table does not exist yet:
    a source that is not configured, or a table dlt only creates once it has a row (Shopify refunds before the first
    refund). Staging casts every column, so the empty relation types itself. Every column must be declared in the
    folder's _sources.yml.
#}
{% macro source_or_empty(source_name, table_name) %}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set existing = adapter.get_relation(relation.database, relation.schema, relation.identifier) -%}
    {%- if existing is not none -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set node = graph.sources["source." ~ project_name ~ "." ~ source_name ~ "." ~ table_name] -%}
    {%- if not node.columns -%}
        {{ exceptions.raise_compiler_error("source " ~ source_name ~ "." ~ table_name ~ " is missing and declares no columns in _sources.yml") }}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- for column in node.columns -%}
        {%- do columns.append("cast(null as " ~ dbt.type_string() ~ ") as " ~ adapter.quote(column)) -%}
    {%- endfor -%}
    {#- Aliased: PostgreSQL before 16 rejects a subquery in FROM without one. -#}
    {{ return("(select " ~ columns | join(", ") ~ " where 1 = 0) as " ~ adapter.quote("empty_" ~ table_name)) }}
{% endmacro %}
