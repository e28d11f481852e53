{#-
    campaign_matches(rows, key_column, value_column, channel_column, id_column=none, lookup='campaign_lookup'):
    the select that matches each row of CTE `rows` to a known campaign (docs/design.md, attribution step 1), one
    row per candidate with `match_rank` (keep match_rank = 1):
    0. (only with id_column) the row's campaign id = campaign_id;
    1. the value (a utm_campaign) = campaign_id; 2. = campaign_name; 3. normalised value = normalised name;
    ties go to a campaign of the row's channel, then the lowest campaign_key.
    `lookup` is a CTE with campaign_key, campaign_id, campaign_name, campaign_name_normalized, campaign_channel.
    Used by int_orders_attributed (orders' utm_campaign) and int_ga4__traffic_attributed (GA4 sessions).
-#}
{% macro campaign_matches(rows, key_column, value_column, channel_column, id_column=none, lookup='campaign_lookup') %}
    {%- set joins = [] -%}
    {%- if id_column -%}
        {%- do joins.append((0, rows ~ "." ~ id_column ~ " = " ~ lookup ~ ".campaign_id")) -%}
    {%- endif -%}
    {%- do joins.append((1, rows ~ "." ~ value_column ~ " = " ~ lookup ~ ".campaign_id")) -%}
    {%- do joins.append((2, rows ~ "." ~ value_column ~ " = " ~ lookup ~ ".campaign_name")) -%}
    {%- do joins.append((3, normalize_name(rows ~ "." ~ value_column) ~ " = " ~ lookup ~ ".campaign_name_normalized and "
        ~ lookup ~ ".campaign_name_normalized <> ''")) -%}
    select
        {{ key_column }},
        campaign_key,
        row_number() over (
            partition by {{ key_column }}
            order by match_priority, case when campaign_channel = match_channel then 0 else 1 end, campaign_key
        ) as match_rank
    from (
        {%- for priority, condition in joins %}
        {% if not loop.first %}union all{% endif %}
        select
            {{ rows }}.{{ key_column }},
            {{ rows }}.{{ channel_column }} as match_channel,
            {{ lookup }}.campaign_key,
            {{ lookup }}.campaign_channel,
            {{ priority }} as match_priority
        from {{ rows }}
        inner join {{ lookup }} on {{ condition }}
        {%- endfor %}
    ) as candidates
{% endmacro %}
