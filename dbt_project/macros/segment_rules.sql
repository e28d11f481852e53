{#- Segment rules (inputs/segment_rules.csv) and the URL parts orders are matched on. Portable SQL only. -#}

{#-
    first_segment_rule(rows, key_column, applies_to, fields, rules='segment_rules'): the select that gives, for
    each row of CTE `rows` (key `key_column`) matched by a rule of kind `applies_to`, the first matching rule in
    file order: columns key_column, segment, rule_line. `fields` are the rule field names a rule of that kind may
    test; `rows` has one column per field, named like it. `rules` is a CTE of stg_inputs__segment_rules.
    Operators: equals, contains, starts_with, all case-insensitive; a null field value never matches.
-#}
{% macro first_segment_rule(rows, key_column, applies_to, fields, rules='segment_rules') %}
    {%- set field_value -%}
        lower(case {{ rules }}.rule_field
            {%- for field in fields %}
            when '{{ field }}' then cast({{ rows }}.{{ field }} as {{ dbt.type_string() }})
            {%- endfor %}
        end)
    {%- endset -%}
    {%- set wanted = "lower(" ~ rules ~ ".rule_value)" -%}
    select
        {{ key_column }},
        segment,
        rule_line
    from (
        select
            {{ rows }}.{{ key_column }},
            {{ rules }}.segment,
            {{ rules }}.rule_line,
            row_number() over (partition by {{ rows }}.{{ key_column }} order by {{ rules }}.rule_line) as rule_rank
        from {{ rows }}
        inner join {{ rules }}
            on {{ rules }}.applies_to = '{{ applies_to }}'
            and coalesce(case {{ rules }}.rule_operator
                when 'equals' then {{ field_value }} = {{ wanted }}
                when 'contains' then {{ dbt.position(wanted, field_value) }} > 0
                when 'starts_with' then {{ dbt.position(wanted, field_value) }} = 1
            end, false)
    ) as matches
    where rule_rank = 1
{% endmacro %}

{#-
    url_host(url): the lower-cased host of a URL without a leading "www." and without a port
    ("https://www.Google.co.uk:443/search?q=x" -> "google.co.uk"); a value without "://" is read as host[/path].
    Null when there is no host.
-#}
{% macro url_host(url) -%}
    {%- set after_scheme -%}
        case
            when {{ dbt.position("'://'", url) }} > 0 then coalesce({{ dbt.split_part(url, "'://'", 2) }}, '')
            else coalesce({{ url }}, '')
        end
    {%- endset -%}
    {%- set host -%}
        lower(coalesce({{ dbt.split_part(dbt.split_part(dbt.split_part(dbt.split_part(
            after_scheme, "'/'", 1), "'?'", 1), "'#'", 1), "':'", 1) }}, ''))
    {%- endset -%}
    nullif(case
        when {{ dbt.position("'www.'", host) }} = 1 then substring({{ host }}, 5)
        else {{ host }}
    end, '')
{%- endmacro %}

{#-
    url_path(url): the path of a landing site, without query string and fragment ("/products/tee?utm_source=x" ->
    "/products/tee"; "https://shop.example/a?b" -> "/a"; "https://shop.example" -> "/"). Null when empty.
-#}
{% macro url_path(url) -%}
    {%- set bare = "coalesce(" ~ dbt.split_part(dbt.split_part(url, "'?'", 1), "'#'", 1) ~ ", '')" -%}
    {%- set after_scheme = "coalesce(" ~ dbt.split_part(bare, "'://'", 2) ~ ", '')" -%}
    nullif(case
        when {{ dbt.position("'://'", bare) }} = 0 then {{ bare }}
        when {{ dbt.position("'/'", after_scheme) }} = 0 then '/'
        else substring({{ after_scheme }}, {{ dbt.position("'/'", after_scheme) }})
    end, '')
{%- endmacro %}
