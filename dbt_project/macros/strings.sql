{#- Portable string checks and transforms used by the naming parser and attribution. -#}

{#- True when expr is a non-empty lowercase slug of [a-z0-9-]: translate() deletes the allowed characters. -#}
{% macro is_slug(expr) -%}
    ({{ expr }} is not null and {{ expr }} <> ''
     and translate({{ expr }}, 'abcdefghijklmnopqrstuvwxyz0123456789-', '') = '')
{%- endmacro %}

{#- True when expr is exactly `n` decimal digits. -#}
{% macro is_digits(expr, n) -%}
    ({{ expr }} is not null and {{ dbt.length(expr) }} = {{ n }}
     and translate({{ expr }}, '0123456789', '') = '')
{%- endmacro %}

{#- Campaign-name matching key: lowercase, only [a-z0-9] kept ("Summer Sale!" -> "summersale"). -#}
{% macro normalize_name(expr) -%}
    {{ return(adapter.dispatch('normalize_name', 'socialmart')(expr)) }}
{%- endmacro %}

{% macro default__normalize_name(expr) -%}
    regexp_replace(lower({{ expr }}), '[^a-z0-9]', '', 'g')
{%- endmacro %}

{#-
    url_query_param(url, name): the raw value of query parameter `name` in a URL or path ("/p?a=1&utm_source=fb#x"),
    null when absent or empty. Only a whole parameter name matches (it must follow '?' or '&').
-#}
{% macro url_query_param(url, name) -%}
    nullif(coalesce(
        {{ dbt.split_part(
            dbt.split_part(
                dbt.split_part("replace(coalesce(" ~ url ~ ", ''), '?', '&')", "'&" ~ name ~ "='", 2),
                "'&'", 1),
            "'#'", 1) }},
    ''), '')
{%- endmacro %}

{#- Decodes '+' and the percent-escapes campaign names use in utm_campaign (space, punctuation). A value with neither
    '%' nor '+' (most of them) is returned as it is: every escape starts with one of the two. At agency size the chain
    of replacements was 19 s of int_orders_attributed's 22 s; with the skip it is about 1 s (DuckDB profile, issue 8). -#}
{% macro url_decode(expr) -%}
    {%- set escapes = [('+', ' '), ('%20', ' '), ('%21', '!'), ('%26', '&'), ('%27', "''"), ('%28', '('),
                       ('%29', ')'), ('%2B', '+'), ('%2C', ','), ('%2D', '-'), ('%2E', '.'), ('%2F', '/'),
                       ('%3A', ':'), ('%3D', '='), ('%5F', '_'), ('%7C', '|'), ('%25', '%')] -%}
    {%- set ns = namespace(sql=expr) -%}
    {%- for encoded, decoded in escapes -%}
        {%- set ns.sql = "replace(" ~ ns.sql ~ ", '" ~ encoded ~ "', '" ~ decoded ~ "')" -%}
        {%- if encoded != encoded | lower -%}
            {%- set ns.sql = "replace(" ~ ns.sql ~ ", '" ~ encoded | lower ~ "', '" ~ decoded ~ "')" -%}
        {%- endif -%}
    {%- endfor -%}
    case
        when {{ dbt.position("'%'", expr) }} > 0 or {{ dbt.position("'+'", expr) }} > 0 then {{ ns.sql }}
        else {{ expr }}
    end
{%- endmacro %}
