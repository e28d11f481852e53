{#-
    Pinterest organic activity conformed to the organic column contract (macros/conformed_models.sql), one row per
    account x day:
    - posts_published = pins created that reporting-timezone day;
    - organic_impressions, engagements (saves + pin clicks + outbound clicks; no likes, comments or shares reported)
      and engagement_denominator (impressions) come from the account analytics of the UTC activity day: Pinterest
      reports them for the whole account per day (all pins), not per pin lifetime; posts_without_reach counts the
      pins of the day (Pinterest reports no reach);
    - followers: Pinterest has no follower history, so each run snapshots follower_count at the start of the run date.
      followers_total(d) = the snapshot of d + 1; followers_gained(d) = followers_total(d) - followers_total(d - 1)
      when both snapshots exist (consecutive daily runs), else null.
-#}
with

pins as (

    select * from {{ ref('stg_pinterest__pins') }}

),

analytics as (

    select * from {{ ref('stg_pinterest__account_analytics') }}

),

snapshots as (

    select * from {{ ref('stg_pinterest__user_accounts') }}

),

activity_daily as (

    select
        account_id,
        {{ to_local_date('created_at') }} as date_day,
        count(*) as posts_published,
        0 as organic_impressions,
        0 as engagements,
        0 as engagement_denominator,
        count(*) as posts_without_reach
    from pins
    group by account_id, {{ to_local_date('created_at') }}

    union all

    select
        account_id,
        date_day,
        0 as posts_published,
        coalesce(impressions, 0) as organic_impressions,
        coalesce(saves, 0) + coalesce(pin_clicks, 0) + coalesce(outbound_clicks, 0) as engagements,
        coalesce(impressions, 0) as engagement_denominator,
        0 as posts_without_reach
    from analytics

),

totals as (

    select
        account_id,
        cast({{ dbt.dateadd('day', -1, 'snapshot_date') }} as date) as date_day,
        followers_count as followers_total
    from snapshots

),

followers_daily as (

    select
        totals.account_id,
        totals.date_day,
        totals.followers_total,
        totals.followers_total - previous.followers_total as followers_gained
    from totals
    left join totals as previous
        on totals.account_id = previous.account_id
        and previous.date_day = cast({{ dbt.dateadd('day', -1, 'totals.date_day') }} as date)

),

conformed as (

    {{ organic_daily_rollup('pinterest', 'activity_daily', 'followers_daily') }}

)

select {{ organic_daily_columns() }} from conformed
