-- The hand-written baseline of `make bench` (issue 8): the campaign, channel and segment aggregates computed straight
-- from the raw tables with DuckDB, no dbt, no views, no tests. It is what the dbt build is compared with: the same
-- work done by hand once. Reporting currency USD; FX rates as loaded into raw_inputs.fx_rates (quote USD), the last
-- rate on or before the day. Orders are attributed by the utm_campaign of their landing site only.

create or replace temp table fx as
select base_currency as currency_code, rate_date, cast(rate as decimal(38, 18)) as rate
from raw_inputs.fx_rates
where quote_currency = 'USD'
union all
select 'USD', date '1900-01-01', 1;

create or replace temp table ads as
with unioned as (
    select 'meta' as platform, account_id, campaign_id, campaign_name, date_start as date_day,
        account_currency as currency_code, spend, impressions, clicks
    from raw_meta_ads.ad_insights
    union all
    select 'tiktok', advertiser_id, campaign_id, campaign_name, stat_date, advertiser_currency, spend, impressions,
        clicks
    from raw_tiktok_ads.ad_insights
    union all
    select 'google', customer_id, campaign_id, campaign_name, "date", customer_currency,
        cast(cost_micros / 1000000 as decimal(18, 2)), impressions, clicks
    from raw_google_ads.ad_insights
    union all
    select 'linkedin', account_id, campaign_id, campaign_name, "date", account_currency,
        cast(cost_in_local_currency as decimal(18, 2)), impressions, clicks
    from raw_linkedin_ads.ad_insights
    union all
    select 'x', account_id, campaign_id, campaign_name, stat_date, account_currency,
        cast(billed_charge_local_micro / 1000000 as decimal(18, 2)), impressions, clicks
    from raw_x_ads.ad_insights
    union all
    select 'snapchat', ad_account_id, campaign_id, campaign_name, "date", account_currency,
        cast(spend / 1000000 as decimal(18, 2)), impressions, swipes
    from raw_snapchat_ads.ad_insights
    union all
    select 'pinterest', ad_account_id, campaign_id, campaign_name, "date", account_currency,
        cast(spend_in_micro_dollar / 1000000 as decimal(18, 2)), total_impression, total_clickthrough
    from raw_pinterest_ads.ad_insights
)
select unioned.*, round(unioned.spend * fx.rate, 2) as spend_usd
from unioned
asof left join fx on unioned.currency_code = fx.currency_code and unioned.date_day >= fx.rate_date;

create or replace temp table orders as
with lines as (
    select shop, order_id, sum(price * quantity - total_discount) as net
    from raw_shopify.order_line_items
    group by all
)
select
    o.shop, o.id, cast(o.created_at at time zone 'America/New_York' as date) as date_day,
    regexp_extract(o.landing_site, 'utm_source=([^&]*)', 1) as utm_source,
    regexp_extract(o.landing_site, 'utm_campaign=([^&]*)', 1) as utm_campaign,
    round(lines.net * fx.rate, 2) as revenue_usd
from raw_shopify.orders as o
join lines on lines.shop = o.shop and lines.order_id = o.id
asof left join fx on o.currency = fx.currency_code and cast(o.created_at as date) >= fx.rate_date
where not coalesce(o.test, false) and o.cancelled_at is null;

-- campaign aggregates: date x campaign
create or replace temp table campaign_daily as
with spend as (
    select platform, campaign_id, date_day, sum(spend_usd) as spend, sum(impressions) as impressions,
        sum(clicks) as clicks
    from ads group by all
),
revenue as (
    select utm_campaign as campaign_id, date_day, count(*) as orders, sum(revenue_usd) as revenue
    from orders where utm_campaign <> '' group by all
)
select coalesce(spend.campaign_id, revenue.campaign_id) as campaign_id,
    coalesce(spend.date_day, revenue.date_day) as date_day, spend.platform, spend.spend, spend.impressions,
    spend.clicks, revenue.orders, revenue.revenue
from spend full join revenue using (campaign_id, date_day);

-- channel aggregates: date x channel (paid delivery, organic posts, attributed orders)
create or replace temp table channel_daily as
with paid as (
    select platform as channel, date_day, sum(spend_usd) as spend, sum(impressions) as impressions,
        sum(clicks) as clicks
    from ads group by all
),
posts as (
    select 'instagram' as channel, cast(published_at as date) as date_day, count(*) as posts
    from raw_instagram.media group by all
    union all
    select 'facebook', cast(published_at as date), count(*) from raw_facebook_pages.posts group by all
    union all
    select 'tiktok', cast(published_at as date), count(*) from raw_tiktok_organic.videos group by all
    union all
    select 'youtube', cast(published_at as date), count(*) from raw_youtube.videos group by all
    union all
    select 'x', cast(created_at as date), count(*) from raw_x.tweets group by all
    union all
    select 'linkedin', cast(published_at as date), count(*) from raw_linkedin_pages.posts group by all
    union all
    select 'pinterest', cast(created_at as date), count(*) from raw_pinterest.pins group by all
),
revenue as (
    select
        case utm_source when 'facebook' then 'meta' when 'twitter' then 'x' when '' then 'unattributed'
            else utm_source end as channel,
        date_day, count(*) as orders, sum(revenue_usd) as revenue
    from orders group by all
)
select channel, date_day, paid.spend, paid.impressions, paid.clicks, posts.posts, revenue.orders, revenue.revenue
from paid
full join (select channel, date_day, sum(posts) as posts from posts group by all) as posts using (channel, date_day)
full join revenue using (channel, date_day);

-- segment aggregates: month x segment (the naming convention's second field)
create or replace temp table segment_monthly as
with campaigns as (
    select distinct campaign_id, split_part(campaign_name, '_', 2) as segment from ads
)
select coalesce(campaigns.segment, 'unassigned') as segment, date_trunc('month', campaign_daily.date_day) as month,
    sum(campaign_daily.spend) as spend, sum(campaign_daily.revenue) as revenue, sum(campaign_daily.orders) as orders,
    sum(campaign_daily.revenue) / nullif(sum(campaign_daily.spend), 0) as roas
from campaign_daily
left join campaigns using (campaign_id)
group by all;
