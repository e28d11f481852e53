{#-
    Posting cadence: one row per platform x ISO week (Monday start, reporting timezone) from the platform's first
    post's week through the week of run_date - 1, weeks without posts included (posts_published 0), with the
    lifetime metrics of the posts published that week (see _reports__content.yml).
-#}
with

posts as (

    select * from {{ ref('fct_posts') }}

),

platform_starts as (

    select
        platform,
        cast({{ dbt.date_trunc('week', 'min(published_date)') }} as date) as first_week_start_date,
        -- Pinterest reports no per-pin metrics: its weeks carry null metrics, not 0.
        count(engagements) > 0 as has_engagements,
        count(impressions) > 0 as has_impressions
    from posts
    group by platform

),

days as (

    {{ day_spine(
        '(select min(first_week_start_date) from platform_starts)',
        dbt.dateadd('day', -1, run_date())
    ) }}

),

weeks as (

    select distinct cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start_date
    from days

),

weekly_posts as (

    select
        platform,
        cast({{ dbt.date_trunc('week', 'published_date') }} as date) as week_start_date,
        count(*) as posts_published,
        sum(engagements) as engagements,
        sum(impressions) as impressions,
        sum(engagement_denominator) as engagement_denominator
    from posts
    group by platform, cast({{ dbt.date_trunc('week', 'published_date') }} as date)

),

platform_weeks as (

    select
        platform_starts.platform,
        weeks.week_start_date,
        coalesce(weekly_posts.posts_published, 0) as posts_published,
        case when platform_starts.has_engagements then coalesce(weekly_posts.engagements, 0) end as engagements,
        case when platform_starts.has_impressions then coalesce(weekly_posts.impressions, 0) end as impressions,
        case
            when platform_starts.has_engagements then coalesce(weekly_posts.engagement_denominator, 0)
        end as engagement_denominator
    from platform_starts
    inner join weeks
        on weeks.week_start_date >= platform_starts.first_week_start_date
    left join weekly_posts
        on weekly_posts.platform = platform_starts.platform
        and weekly_posts.week_start_date = weeks.week_start_date

),

final as (

    select
        cast(platform as varchar) as platform,
        cast(week_start_date as date) as week_start_date,
        cast(extract(isoyear from week_start_date) as integer) as iso_year,
        cast(extract(week from week_start_date) as integer) as iso_week,
        cast({{ dbt.dateadd('day', 7, 'week_start_date') }} <= {{ run_date() }} as boolean) as is_complete_week,
        cast(posts_published as bigint) as posts_published,
        cast(engagements as bigint) as engagements,
        cast(impressions as bigint) as impressions,
        cast(engagement_denominator as bigint) as engagement_denominator,
        cast({{ safe_divide('engagements', 'engagement_denominator') }} as double precision) as engagement_rate
    from platform_weeks

)

select * from final
