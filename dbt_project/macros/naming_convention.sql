{#-
    Helpers of the campaign naming-convention parser (models/intermediate/int_campaigns_parsed.sql), driven by the
    vars naming_fields, naming_delimiter and naming_allowed_values. Portable SQL only (translate, position).
-#}

{#- SQL boolean: is the raw text of `field` valid? -#}
{% macro naming_field_check(field, raw) -%}
    {%- set allowed = var('naming_allowed_values') -%}
    {%- if field in allowed -%}
        coalesce({{ raw }} in ('{{ allowed[field] | join("', '") }}'), false)
    {%- elif field == 'initiative' -%}
        {{ is_slug(raw) }}
    {%- elif field == 'launch_month' -%}
        ({{ is_digits(raw, 6) }} and substring({{ raw }}, 5, 2) between '01' and '12')
    {%- else -%}
        ({{ raw }} <> '')
    {%- endif -%}
{%- endmacro %}

{#- The rule a field breaks, for naming_issue. -#}
{% macro naming_field_rule(field) -%}
    {%- set allowed = var('naming_allowed_values') -%}
    {%- if field in allowed -%}not in ({{ allowed[field] | join(', ') }})
    {%- elif field == 'initiative' -%}is not a lowercase slug [a-z0-9-]
    {%- elif field == 'launch_month' -%}is not a yyyymm month
    {%- else -%}is empty
    {%- endif -%}
{%- endmacro %}

{#- SQL boolean for names with too few fields (columns campaign_name, first_part, last_part): does the name
    still hold this field somewhere? -#}
{% macro naming_field_present(field) -%}
    {%- set allowed = var('naming_allowed_values') -%}
    {%- set delim = var('naming_delimiter') -%}
    {%- set delim_sql = "'" ~ delim ~ "'" -%}
    {%- if field in allowed -%}
        ({% for value in allowed[field] -%}
            {{ dbt.position("'" ~ delim ~ value ~ delim ~ "'", dbt.concat([delim_sql, 'campaign_name', delim_sql])) }} > 0
            {%- if not loop.last %} or {% endif %}
        {%- endfor %})
    {%- elif field == 'launch_month' -%}
        {{ is_digits('last_part', 6) }}
    {%- elif field == 'initiative' -%}
        ({{ is_slug('first_part') }}
        {%- for other in allowed %} and first_part not in ('{{ allowed[other] | join("', '") }}'){% endfor %})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

