{#-
    One row per platform campaign (campaign_key = platform:campaign_id) with its latest name parsed by the naming
    convention: var('naming_fields') joined by var('naming_delimiter'), <initiative>_<segment>_<objective>_<geo>_<yyyymm>.
    Field checks: initiative a non-empty lowercase slug [a-z0-9-]; the fields in var('naming_allowed_values') one of
    their values; launch_month six digits yyyymm with a month 01-12 (parsed to the first day of the month).
    A parsed field is null when its own check fails. naming_issue says which fields are missing or invalid
    (null when the name is compliant). The checks are portable SQL (translate, position, split_part).
-#}
{%- set fields = var('naming_fields') -%}
{%- set delim = var('naming_delimiter') -%}
{%- set n_fields = fields | length -%}
{%- set pattern = fields | join(delim) -%}
{%- set delim_sql = "'" ~ delim ~ "'" -%}

{#- naming_issue: one "...; " message per problem, concatenated in field order. -#}
{%- set issue_parts = ["case when field_count = 0 then 'campaign name is empty; ' else '' end"] -%}
{%- for field in fields -%}
    {%- do issue_parts.append(
        "case when field_count > 0 and field_count < " ~ n_fields ~ " and not " ~ naming_field_present(field)
        ~ " then '" ~ field ~ " missing; ' else '' end") -%}
{%- endfor -%}
{%- do issue_parts.append(
    "case when field_count > 0 and field_count <> " ~ n_fields ~ " then 'expected " ~ n_fields ~ " fields ("
    ~ pattern ~ "), found ' || cast(field_count as varchar) || '; ' else '' end") -%}
{%- for field in fields -%}
    {%- do issue_parts.append(
        "case when field_count = " ~ n_fields ~ " and not is_" ~ field ~ "_valid then '" ~ field ~ " ''' || "
        ~ field ~ "_raw || ''' " ~ naming_field_rule(field) ~ "; ' else '' end") -%}
{%- endfor %}

with

ad_performance as (

    select * from {{ ref('int_ad_performance_unioned') }}

),

latest_names as (

    select
        campaign_key,
        campaign_id,
        platform,
        channel,
        account_id,
        campaign_name,
        row_number() over (
            partition by campaign_key
            order by date_day desc, campaign_name desc
        ) as name_rank
    from ad_performance

),

campaigns as (

    select
        campaign_key,
        campaign_id,
        platform,
        channel,
        account_id,
        coalesce(campaign_name, '') as campaign_name
    from latest_names
    where name_rank = 1

),

split as (

    select
        campaigns.*,
        {% for field in fields -%}
        coalesce({{ dbt.split_part('campaign_name', delim_sql, loop.index) }}, '') as {{ field }}_raw,
        {% endfor -%}
        case
            when campaign_name = '' then 0
            else cast(
                ({{ dbt.length('campaign_name') }} - {{ dbt.length("replace(campaign_name, " ~ delim_sql ~ ", '')") }})
                / {{ delim | length }} as integer) + 1
        end as field_count
    from campaigns

),

checked as (

    select
        split.*,
        coalesce({{ dbt.split_part('campaign_name', delim_sql, 1) }}, '') as first_part,
        reverse(coalesce({{ dbt.split_part('reverse(campaign_name)', "reverse(" ~ delim_sql ~ ")", 1) }}, ''))
            as last_part,
        {% for field in fields -%}
        {{ naming_field_check(field, field ~ '_raw') }} as is_{{ field }}_valid{{ "," if not loop.last }}
        {% endfor %}
    from split

),

described as (

    select
        checked.*,
        {{ dbt.concat(issue_parts) }} as issue_text
    from checked

),

final as (

    select
        campaign_key,
        campaign_id,
        platform,
        channel,
        account_id,
        nullif(campaign_name, '') as campaign_name,
        {% for field in fields if field != 'launch_month' -%}
        case when is_{{ field }}_valid then {{ field }}_raw end as {{ field }},
        {% endfor -%}
        {% if 'launch_month' in fields -%}
        case
            when is_launch_month_valid
                then cast({{ dbt.concat(["substring(launch_month_raw, 1, 4)", "'-'",
                                         "substring(launch_month_raw, 5, 2)", "'-01'"]) }} as date)
        end as launch_month,
        {% endif -%}
        (
            field_count = {{ n_fields }}
            {% for field in fields %}and is_{{ field }}_valid {% endfor %}
        ) as is_naming_compliant,
        case
            when issue_text = '' then null
            else substring(issue_text, 1, {{ dbt.length('issue_text') }} - 2)
        end as naming_issue
    from described

)

select * from final
