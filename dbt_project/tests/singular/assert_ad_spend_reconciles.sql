{#-
    Integrity: ad spend and delivery are conserved from staging to the marts.
    - per currency, the platforms' conformed models (one per staging model, macro ad_performance_models) sum to
      fct_ad_performance_daily spend_local, with as many rows;
    - spend in the reporting currency, impressions and clicks: fct_ad_performance_daily =
      fct_campaign_performance_daily = fct_channel_daily, and impressions and clicks equal the conformed models'.
    Returns one row per failed check.
-#}
with

staging as (

    select currency_code, sum(spend_local) as spend_local, count(*) as n_rows
    from (
        {{ union_models(ad_performance_models(), 'currency_code, spend_local') }}
    ) as ad_staging
    group by currency_code

),

ad_mart as (

    select currency_code, sum(spend_local) as spend_local, count(*) as n_rows
    from {{ ref('fct_ad_performance_daily') }}
    group by currency_code

),

local_checks as (

    select
        {{ dbt.concat(["'spend_local '", "coalesce(staging.currency_code, ad_mart.currency_code)"]) }} as check_name,
        cast(staging.spend_local as double precision) as expected,
        cast(ad_mart.spend_local as double precision) as actual
    from staging
    full outer join ad_mart
        on staging.currency_code = ad_mart.currency_code
    where staging.spend_local is distinct from ad_mart.spend_local
        or staging.n_rows is distinct from ad_mart.n_rows

),

reporting_totals as (

    select
        (select sum(spend) from {{ ref('fct_ad_performance_daily') }}) as ad_spend,
        (select sum(spend) from {{ ref('fct_campaign_performance_daily') }}) as campaign_spend,
        (select sum(spend) from {{ ref('fct_channel_daily') }}) as channel_spend

),

delivery_totals as (

    {%- set models = {
        'staging': '(' ~ union_models(ad_performance_models(), 'impressions, clicks') ~ ') as ad_staging',
        'ad_mart': ref('fct_ad_performance_daily'),
        'campaign_mart': ref('fct_campaign_performance_daily'),
        'channel_mart': ref('fct_channel_daily'),
    } %}
    {% for name, relation in models.items() %}
    select
        '{{ name }}' as layer,
        cast(coalesce(sum(impressions), 0) as bigint) as impressions,
        cast(coalesce(sum(clicks), 0) as bigint) as clicks
    from {{ relation }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

delivery_checks as (

    select
        {{ dbt.concat(["'impressions/clicks '", "layer"]) }} as check_name,
        cast(staging.impressions as double precision) as expected,
        cast(layer_totals.impressions as double precision) as actual
    from delivery_totals as layer_totals
    cross join (select impressions, clicks from delivery_totals where layer = 'staging') as staging
    where layer_totals.impressions <> staging.impressions or layer_totals.clicks <> staging.clicks

),

reporting_checks as (

    select 'spend fct_campaign_performance_daily' as check_name,
        cast(ad_spend as double precision) as expected, cast(campaign_spend as double precision) as actual
    from reporting_totals
    where coalesce(ad_spend, 0) <> coalesce(campaign_spend, 0)

    union all

    select 'spend fct_channel_daily' as check_name,
        cast(ad_spend as double precision) as expected, cast(channel_spend as double precision) as actual
    from reporting_totals
    where coalesce(ad_spend, 0) <> coalesce(channel_spend, 0)

)

select * from local_checks
union all
select * from reporting_checks
union all
select * from delivery_checks
