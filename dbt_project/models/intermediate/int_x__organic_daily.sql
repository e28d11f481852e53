{#-
    X organic activity conformed to the organic column contract (macros/conformed_models.sql), one row per
    account x day:
    - posts_published, organic_impressions (lifetime impression_count), engagements (likes + replies + reposts +
      quotes + bookmarks; clicks are non-public metrics and not loaded) of the posts created that reporting-timezone
      day; engagement_denominator = impressions, as X reports no reach (every post counts in posts_without_reach);
    - followers: X has no follower history, so each run snapshots followers_count at the start of the run date.
      followers_total(d) = the snapshot of d + 1; followers_gained(d) = followers_total(d) - followers_total(d - 1)
      when both snapshots exist (consecutive daily runs), else null. Days before the first snapshot have neither.
-#}
with

tweets as (

    select * from {{ ref('stg_x__tweets') }}

),

snapshots as (

    select * from {{ ref('stg_x__users') }}

),

posts_daily as (

    select
        account_id,
        {{ to_local_date('created_at') }} as date_day,
        count(*) as posts_published,
        sum(coalesce(impressions, 0)) as organic_impressions,
        sum(
            coalesce(likes, 0) + coalesce(replies, 0) + coalesce(reposts, 0) + coalesce(quotes, 0)
            + coalesce(bookmarks, 0)
        ) as engagements,
        sum(coalesce(impressions, 0)) as engagement_denominator,
        count(*) as posts_without_reach
    from tweets
    group by account_id, {{ to_local_date('created_at') }}

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

    {{ organic_daily_rollup('x', 'posts_daily', 'followers_daily') }}

)

select {{ organic_daily_columns() }} from conformed
